"""Headless Firefox ESR (Debian's firefox-esr), driven through Marionette with Mozilla's own
client (marionette_driver from PyPI; Debian ships no geckodriver and Selenium would download
one): an allowed HTTPS HIS page reads the simulated card through cancuoc.js over
ws://127.0.0.1 — no mixed-content block, loopback is potentially trustworthy — and so does
one opening ws://localhost; a page from another origin gets nothing; and what Firefox's Local
Network Access does with a public HIS page (docs/security.md)."""
import json
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import warnings
import http.server
from pathlib import Path

import pytest

from conftest import ROOT, Bench, free_port, profile_json

with warnings.catch_warnings():   # mozinfo and mozrunner use APIs Python deprecates; not ours to fix
    warnings.simplefilter("ignore", DeprecationWarning)
    from marionette_driver.marionette import Marionette  # noqa: E402

HIS_HOST = "his.test"   # resolved to 127.0.0.1 by Firefox itself (network.dns.localDomains)


class HTTPSServer:
    """The HIS stand-in over HTTPS with a self-signed certificate for his.test."""

    def __init__(self, directory, work):
        cert, key = work / "his.pem", work / "his.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-days", "2", "-subj", f"/CN={HIS_HOST}", "-addext", f"subjectAltName=DNS:{HIS_HOST}",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=directory, **k)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.origin = f"https://{HIS_HOST}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def https_his(his_pages):
    directory, _, other = his_pages
    shutil.copy(ROOT / "clients/js/cancuoc.js", directory)
    shutil.copy(ROOT / "Tests/Browser/his_page.html", directory)
    work = Path(tempfile.mkdtemp(prefix="cancuoc-firefox-"))
    server = HTTPSServer(directory, work)
    (work / "bench").mkdir()
    bench = Bench(work / "bench", origins=[server.origin])
    yield bench, server, other
    bench.stop()
    server.stop()
    shutil.rmtree(work, ignore_errors=True)


def start_firefox(**extra_prefs):
    """A headless firefox-esr with a fresh profile, and a Marionette session on it."""
    profile = Path(tempfile.mkdtemp(prefix="cancuoc-firefox-profile-"))
    port = free_port()
    prefs = {
        "marionette.port": port,
        "network.dns.localDomains": HIS_HOST,
        "browser.shell.checkDefaultBrowser": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "app.update.disabledForTesting": True,
        "browser.aboutwelcome.enabled": False,
        **extra_prefs,
    }
    (profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
    process = subprocess.Popen(["firefox-esr", "--marionette", "--headless", "--no-remote", "--profile", str(profile)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "firefox-esr exited"
                time.sleep(0.1)
        client = Marionette(host="127.0.0.1", port=port)
        client.start_session(capabilities={"acceptInsecureCerts": True})   # the HIS's self-signed certificate
    except BaseException:
        stop_firefox(None, process, profile)
        raise
    return client, process, profile


def stop_firefox(client, process, profile):
    try:
        if client:
            client.delete_session()
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def firefox():
    session = start_firefox()
    yield session[0]
    stop_firefox(*session)


def page_outcome(firefox, url, seconds=40):
    """Loads the HIS test page; returns (state, text) once it has read the card or failed."""
    firefox.navigate(url)
    deadline = time.monotonic() + seconds
    script = "const out = document.getElementById('out'); return out ? [out.dataset.state, out.textContent] : null"
    while time.monotonic() < deadline:
        state = firefox.execute_script(script)
        if state and state[0] in ("read", "error"):
            return tuple(state)
        time.sleep(0.1)
    raise AssertionError(f"the page did not finish: {firefox.execute_script(script)}")


@pytest.mark.parametrize("host,client", [("127.0.0.1", "beside"), ("localhost", "beside"), ("127.0.0.1", "daemon")])
def test_an_https_his_page_reads_the_card_over_ws_loopback(firefox, https_his, host, client):
    """`client`: cancuoc.js from the HIS's own server, or from http://127.0.0.1:PORT/cancuoc.js
    as docs/integration.md shows (an http script on an https page: loopback is not mixed content)."""
    bench, server, _ = https_his
    person = profile_json()["dg13"]
    bench.insert_card()
    script = "./cancuoc.js" if client == "beside" else f"{bench.page_origin}/cancuoc.js"
    state, text = page_outcome(firefox, f"{server.origin}/his_page.html?port={bench.web_port}&host={host}"
                                        f"&id={person['idNumber']}&client={script}")
    assert (state, text) == ("read", person["fullName"])
    assert firefox.execute_script("return window.isSecureContext") is True
    assert f"origin={server.origin}" in bench.log()
    bench.remove_card()


def test_a_disallowed_origin_gets_nothing(firefox, https_his):
    bench, _, other = https_his
    person = profile_json()["dg13"]
    bench.insert_card()
    state, text = page_outcome(firefox, f"{other.origin}/his_page.html?port={bench.web_port}&id={person['idNumber']}")
    assert (state, text) == ("error", "error: connectionLost")
    assert person["fullName"] not in firefox.page_source
    assert f"origin={other.origin}" in bench.log() and "refused a browser connection" in bench.log()
    bench.remove_card()


def page_state(client, url, seconds=40):
    """Loads the HIS test page; returns its state once it has connected or failed to."""
    client.navigate(url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.execute_script("return document.getElementById('out')?.dataset.state")
        if state and state != "starting":
            return state
        time.sleep(0.1)
    raise AssertionError("the page neither connected nor failed")


@pytest.mark.parametrize("websocket_checked,client,expected", [
    (False, "beside", "connected"),   # Firefox ESR 153 as shipped
    (True, "beside", "error"),        # WebSockets checked too (a later Firefox), the prompt unanswered
    (False, "daemon", "error"),       # cancuoc.js fetched from 127.0.0.1: a checked subresource load
])
def test_local_network_access_with_the_his_page_counted_public(https_his, websocket_checked, client, expected):
    """Firefox ESR 153 has Local Network Access on (network.lna.enabled) for fetches and
    subresources but not for WebSockets (network.lna.websocket.enabled is false). With the HIS
    page counted public (network.lna.address_space.public.override) and the prompt left
    unanswered (headless; 1.5 s instead of 5 min), what gets through."""
    bench, server, _ = https_his
    session = start_firefox(**{"network.lna.address_space.public.override": f"127.0.0.1:{server.port}",
                               "network.lna.prompt.timeout": 1500, "network.lna.websocket.enabled": websocket_checked})
    try:
        script = "./cancuoc.js" if client == "beside" else f"{bench.page_origin}/cancuoc.js"
        url = f"{server.origin}/his_page.html?port={bench.web_port}&id=000000000000&client={script}"
        assert page_state(session[0], url) == expected
        # The page really counts as public: its own fetch to loopback is held, then refused.
        session[0].timeout.script = 30
        fetched = session[0].execute_async_script(
            f"fetch('http://127.0.0.1:{bench.web_port}/reception-settings.json')"
            ".then(() => arguments[0]('fetched'), e => arguments[0](e.name))")
        assert fetched == "TypeError"
    finally:
        stop_firefox(*session)
