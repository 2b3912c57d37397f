"""The browser path against real processes: a private pcscd with vpcd (scripts/pcsc-bench.sh),
the real cancuocd with --web-listen, the simulated card placed and removed by `cancuoc sim`.
BIN (the build's bin directory) comes from the environment; make test sets it."""
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import http.server
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("BIN") or subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip())
PROFILE = "tran-minh-khoa"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_vpcd_port():
    for _ in range(50):
        candidate = 42000 + random.randrange(3000) * 2
        ok = True
        for p in (candidate, candidate + 1):
            with socket.socket() as s:
                try:
                    s.bind(("0.0.0.0", p))
                except OSError:
                    ok = False
        if ok:
            return candidate
    raise RuntimeError("no free vpcd port")


def profile_json(name=PROFILE):
    return json.loads((ROOT / "Sources/CardSimulator/Profiles" / f"{name}.json").read_text())


class StaticServer:
    """Serves a folder over HTTP on 127.0.0.1 (a stand-in for the HIS's web server)."""

    def __init__(self, directory):
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=directory, **k)
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Bench:
    def __init__(self, work, origins, records_origins=(), config=None):
        self.work = Path(work)
        self.vpcd = free_vpcd_port()
        out = subprocess.run([str(ROOT / "scripts/pcsc-bench.sh"), "start", str(self.work / "bench"), str(self.vpcd)],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        self.env = dict(os.environ, PCSCLITE_CSOCK_NAME=str(self.work / "bench/run/pcscd.comm"))
        self.trust = self.work / "trust"
        self.trust.mkdir()
        self.web_port = free_port()
        self.socket = self.work / "api.sock"
        # The shortest page-clear time, so the idle test waits little.
        config = {"web": {"recordsOrigins": list(records_origins), "pageClearSeconds": 10}, "socketGroup": None,
                  **(config or {})}
        (self.work / "cancuocd.json").write_text(json.dumps(config))
        args = [str(BIN / "cancuocd"), "--socket", str(self.socket), "--config", str(self.work / "cancuocd.json"),
                "--trust", str(self.trust), "--state-directory", str(self.work), "--log-level", os.environ.get("DAEMON_LOG_LEVEL", "info"),
                "--web-listen", f"127.0.0.1:{self.web_port}", "--web-files", str(ROOT / "clients")]
        for origin in origins:
            args += ["--web-origin", origin]
        self.log_path = self.work / "cancuocd.log"
        self.args = args
        self.start_daemon()
        self.sim = None

    def start_daemon(self):
        self.daemon = subprocess.Popen(self.args, env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "a"))
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.web_port), timeout=1).close()
                break
            except OSError:
                if self.daemon.poll() is not None:
                    raise AssertionError("cancuocd exited: " + self.log())
                time.sleep(0.05)

    @property
    def page_origin(self):
        return f"http://127.0.0.1:{self.web_port}"

    def log(self):
        return self.log_path.read_text(errors="replace")

    def insert_card(self, profile=PROFILE, fault=None, timing=None, portrait=None, contact_chip=None):
        """`timing`: a `cancuoc sim --timing` profile, for a card as slow as a real chip;
        `contact_chip`: "answering" or "silent", the ID card pushed into a contact slot."""
        self.remove_card()
        args = [str(BIN / "cancuoc"), "sim", "--port", str(self.vpcd), "--profile", profile, "--trust-out", str(self.trust)]
        if fault:
            args += ["--fault", fault]
        if timing:
            args += ["--timing", timing]
        if portrait:
            args += ["--portrait", str(portrait)]
        if contact_chip:
            args += ["--contact-chip", contact_chip]
        self.sim = subprocess.Popen(args, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def remove_card(self):
        """Takes the card away and waits until pcscd reports the slot empty (it polls every
        400 ms), so the next card is a new card, not a stale presence."""
        if self.sim:
            self.sim.terminate()
            self.sim.wait(10)
            self.sim = None
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.card_present():
                time.sleep(0.05)

    def card_present(self):
        out = subprocess.run([str(BIN / "cancuoc"), "readers", "--json"], env=self.env, capture_output=True, text=True)
        readers = json.loads(out.stdout or "{}").get("readers", [])
        return any(r["cardPresent"] for r in readers if r["name"] == "Virtual PCD 00 00")

    def stop(self):
        self.remove_card()
        self.daemon.terminate()
        try:
            self.daemon.wait(15)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait()
        subprocess.run([str(ROOT / "scripts/pcsc-bench.sh"), "stop", str(self.work / "bench")], capture_output=True)


@pytest.fixture(scope="session")
def his_pages():
    """Two web servers with the same test page: one allowed, one not."""
    directory = tempfile.mkdtemp(prefix="cancuoc-his-")
    allowed, other = StaticServer(directory), StaticServer(directory)
    yield directory, allowed, other
    allowed.stop()
    other.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def bench(his_pages):
    _, allowed, _ = his_pages
    work = tempfile.mkdtemp(prefix="cancuoc-web-")
    # The allowed HIS origin may also receive records; the reception page may not.
    b = Bench(work, origins=[allowed.origin], records_origins=[allowed.origin])
    yield b
    b.stop()
    if os.environ.get("KEEP_BENCH") is None:
        shutil.rmtree(work, ignore_errors=True)
