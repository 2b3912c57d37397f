"""The packaged service's shape (systemd/cancuocd.service with cancuocd-web.socket): the
sockets are bound outside and passed by name (LISTEN_FDNAMES), and the daemon runs in a network
namespace of its own (PrivateNetwork=yes) — it serves browsers on a loopback socket it could not
have opened itself."""
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import BIN, ROOT, free_port
from wsclient import HTTPRefused, WebSocket


def test_passed_sockets_serve_from_a_private_network_namespace(bench):
    work = Path(tempfile.mkdtemp(prefix="cancuoc-activate-"))
    port = free_port()
    api = work / "api.sock"
    activate = subprocess.Popen(
        ["systemd-socket-activate", "-l", str(api), "-l", f"127.0.0.1:{port}", "--fdname=api:web",
         "-E", f"PCSCLITE_CSOCK_NAME={bench.env['PCSCLITE_CSOCK_NAME']}",
         "unshare", "-n", "--",
         str(BIN / "cancuocd"), "--config", str(work / "none.json"), "--state-directory", str(work), "--group", "",
         "--trust", str(work), "--web-files", str(ROOT / "clients")],
        stdout=subprocess.DEVNULL, stderr=open(work / "log", "w"))
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        # The first connection starts the daemon; it adopts both sockets by name.
        ws = None
        for _ in range(100):
            try:
                ws = WebSocket(port, origin=f"http://127.0.0.1:{port}")
                break
            except (HTTPRefused, OSError):
                time.sleep(0.1)
        assert ws is not None, (work / "log").read_text()
        assert ws.request("hello")["result"]["apiLevel"] >= 1
        ws.close()
        with pytest.raises(HTTPRefused) as refused:
            WebSocket(port, origin="https://evil.example")
        assert refused.value.status == 403
        # The Unix socket passed beside it is the API's, not the browser's.
        client = socket.socket(socket.AF_UNIX)
        client.connect(str(api))
        client.sendall(b'{"jsonrpc":"2.0","id":1,"method":"hello"}\n')
        assert b'"apiLevel"' in client.recv(4096)
        client.close()
        log = (work / "log").read_text()
        assert "listening on the socket passed by systemd" in log
        assert "listening for browsers" in log
    finally:
        activate.terminate()
        activate.wait(15)

