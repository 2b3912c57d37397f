"""Who may connect (docs/security.md): Origin required and exact, Host ours, records only for
origins configured for them, loopback addresses only."""
import json
import subprocess
import tempfile

import pytest

from conftest import BIN, ROOT
from wsclient import HTTPRefused, WebSocket, http_request


@pytest.mark.parametrize("origin", [
    "https://evil.example", "http://127.0.0.1:1", "null", "http://127.0.0.1", "https://127.0.0.1:{port}",
    "http://localhost:{port}.evil.example",
])
def test_wrong_origin_gets_403_and_no_upgrade(bench, origin):
    origin = origin.replace("{port}", str(bench.web_port))
    with pytest.raises(HTTPRefused) as refused:
        WebSocket(bench.web_port, origin=origin)
    assert refused.value.status == 403
    assert "refused a browser connection" in bench.log()


def test_refused_origin_is_named_in_the_log_escaped(bench):
    with pytest.raises(HTTPRefused) as refused:
        WebSocket(bench.web_port, origin="https://his-not-configured.example")
    assert refused.value.status == 403
    assert "origin=https://his-not-configured.example" in bench.log()
    # Client text is escaped: a non-ASCII origin cannot write raw bytes into the log.
    with pytest.raises(HTTPRefused):
        WebSocket(bench.web_port, origin="https://b\u1ec7nh-vi\u1ec7n.example")
    log = bench.log()
    assert "https://b\\u{1ec7}nh-vi\\u{1ec7}n.example" in log
    assert "\u1ec7" not in log


def test_no_origin_gets_403(bench):
    with pytest.raises(HTTPRefused) as refused:
        WebSocket(bench.web_port, origin=None)
    assert refused.value.status == 403
    assert b"Unix socket" in refused.value.body


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1:1", "rebind.example", "", "127.0.0.1.nip.io:{port}"])
def test_dns_rebinding_host_is_refused(bench, host):
    host = host.replace("{port}", str(bench.web_port))
    with pytest.raises(HTTPRefused) as refused:
        # The page's own origin as a rebinding page would send it.
        WebSocket(bench.web_port, origin=f"http://{host}", host=host)
    assert refused.value.status == 403
    status, _, _ = http_request(bench.web_port, "/", headers={"Host": host})
    assert status == 403


def test_localhost_host_is_ours(bench):
    ws = WebSocket(bench.web_port, origin=f"http://localhost:{bench.web_port}", host=f"localhost:{bench.web_port}")
    assert ws.request("hello")["result"]["apiLevel"] >= 1
    ws.close()


def test_records_only_for_origins_allowed_for_them(bench, his_pages):
    _, allowed, _ = his_pages
    page = WebSocket(bench.web_port, origin=bench.page_origin)
    response = page.request("events.subscribe", {"records": True})
    assert response["error"]["code"] == -32602 and response["error"]["data"]["param"] == "records"
    assert page.request("events.subscribe", {"records": False})["result"]["subscribed"] is True
    his = WebSocket(bench.web_port, origin=allowed.origin)
    assert his.request("events.subscribe", {"records": True})["result"] == {"subscribed": True, "records": True}
    page.close()
    his.close()


def test_the_page_is_served_with_its_security_headers(bench):
    status, headers, body = http_request(bench.web_port, "/")
    assert status == 200 and b"<html" in body
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    status, headers, body = http_request(bench.web_port, "/cancuoc.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and b"export async function connect" in body
    assert http_request(bench.web_port, "/../Package.swift")[0] == 404
    assert http_request(bench.web_port, "/", method="POST")[0] == 405


def test_api_without_upgrade_is_not_served(bench):
    status, _, _ = http_request(bench.web_port, "/api", headers={"Origin": bench.page_origin})
    assert status == 426


@pytest.mark.parametrize("address", ["0.0.0.0:28710", "192.168.1.10:28710", "[::]:28710", "10.0.0.1:1", "example.com:80"])
def test_non_loopback_web_listen_refuses_to_start(address):
    work = tempfile.mkdtemp(prefix="cancuoc-web-refuse-")
    out = subprocess.run([str(BIN / "cancuocd"), "--socket", f"{work}/api.sock", "--config", f"{work}/none.json",
                          "--state-directory", work, "--web-listen", address], capture_output=True, text=True, timeout=30)
    assert out.returncode == 78
    assert "loopback" in out.stderr and address.split(":")[0].strip("[]") in out.stderr


def test_unknown_web_setting_is_refused(tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"web": {"allowedOrigin": ["https://his.example"]}}))
    out = subprocess.run([str(BIN / "cancuocd"), "--config", str(tmp_path / "c.json"), "--socket", f"{tmp_path}/s"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 78 and "web.allowedOrigin" in out.stderr


def test_cancuoc_js_may_be_imported_by_allowed_origins_only(bench, his_pages):
    _, allowed, other = his_pages
    _, headers, _ = http_request(bench.web_port, "/cancuoc.js", headers={"Origin": allowed.origin})
    assert headers.get("access-control-allow-origin") == allowed.origin
    _, headers, _ = http_request(bench.web_port, "/cancuoc.js", headers={"Origin": other.origin})
    assert "access-control-allow-origin" not in headers
