#!/usr/bin/env python3
"""The province inventory through Prometheus (docs/inventory.md), with real processes on loopback.

Three simulated clinics, each: a private pcscd + vpcd (scripts/pcsc-bench.sh), the real
cancuocd writing its usage log and metrics textfile, Debian's prometheus-node-exporter serving
the textfile, and Debian's prometheus in agent mode (configured from contrib/prometheus/
clinic-agent.yml) remote-writing to one province Prometheus (--web.enable-remote-write-receiver).
Cards are read through each daemon's socket; then `cancuoc inventory rollup --prometheus`
must give the same figures as `cancuoc inventory rollup` over the clinics' JSON reports, and
no simulated citizen's data may appear in any textfile, in what the province stores, or in
the roll-up. Bad addresses must give a clear error, not a hang.

    Usage: scripts/prometheus_test.py BIN_DIR      (root: pcsc-bench.sh uses unshare -m)
"""
import csv
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))
from his_client import CancuocClient  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else sys.exit("usage: prometheus_test.py BIN_DIR")
CONTRIB = os.path.join(ROOT, "contrib", "prometheus")
PROFILES = os.path.join(ROOT, "Sources", "CardSimulator", "Profiles")
DEADLINE = 90  # seconds for any one wait; the whole test takes well under a minute when idle

# (facility id, profile, successful reads, wrong-key reads). BP-003 has readers but reads
# nothing (its readers are idle); BP-004 is in the registry and sends nothing.
CLINICS = [("BP-001", "tran-minh-khoa", 3, 1), ("BP-002", "le-thi-hong-nhung", 1, 2), ("BP-003", None, 0, 0)]
REGISTRY = """id,name,district,type,declaredReaderNeed
BP-001,Bệnh viện Đa khoa tỉnh,Thành phố Đồng Xoài,Bệnh viện,3
BP-002,Phòng khám đa khoa Tâm Đức,Huyện Lộc Ninh,Phòng khám đa khoa tư nhân,1
BP-003,Trạm Y tế xã Lộc Hiệp,Huyện Lộc Ninh,Trạm y tế xã,1
BP-004,Trạm Y tế xã Lộc Thái,Huyện Lộc Ninh,Trạm y tế xã,1
"""

work = tempfile.mkdtemp(prefix="cancuoc-prom.")
processes = []   # (name, Popen), stopped newest first
benches = []


def log(msg):
    print("prometheus-test: " + msg, flush=True)


def fail(msg):
    log("FAILED: " + msg)
    for name, p in processes:
        path = os.path.join(work, name + ".log")
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                tail = f.read()[-1500:]
            print("--- %s (exit %s):\n%s" % (name, p.poll(), tail))
    raise SystemExit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, argv, **kw):
    logf = open(os.path.join(work, name + ".log"), "w")
    p = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kw)
    processes.append((name, p))
    return p


def wait_for(what, check, deadline=DEADLINE, interval=0.5):
    end = time.monotonic() + deadline
    last = None
    while time.monotonic() < end:
        try:
            last = check()
            if last:
                return last
        except Exception as e:  # not up yet
            last = e
        time.sleep(interval)
    fail("%s: not within %d s (last: %r)" % (what, deadline, last))


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def promql(base, query, auth=None):
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(base + "/api/v1/query", data=data)
    if auth:
        request.add_header("Authorization", auth)
    with urllib.request.urlopen(request, timeout=10, context=TLS[0]) as r:
        answer = json.load(r)
    assert answer["status"] == "success", answer
    return answer["data"]["result"]


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


def vpcd_ports():
    """An even port whose successor is free too (vpcd's slots 0 and 1). Linux hands out odd
    ports for bind(0), so the pair is drawn at random like scripts/daemon-bench.sh does."""
    import random
    for _ in range(200):
        p = random.randrange(42000, 48000, 2)
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", p))
                b.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue
    fail("no free vpcd port pair")


def agent_config(facility, target, remote_write):
    """contrib/prometheus/clinic-agent.yml with this clinic's id and addresses, and short
    intervals so that the test waits seconds, not minutes."""
    with open(os.path.join(CONTRIB, "clinic-agent.yml")) as f:
        text = f.read()
    replacements = [('facility: "BP-001"', 'facility: "%s"' % facility),
                    ('"127.0.0.1:9100"', '"%s"' % target),
                    ('"https://monitor.soyte.example.vn/api/v1/write"', '"%s"' % remote_write),
                    ("scrape_interval: 1m", "scrape_interval: 1s"),
                    ("batch_send_deadline: 30s", "batch_send_deadline: 1s")]
    for old, new in replacements:
        if old not in text:
            fail("clinic-agent.yml no longer contains %s" % old)
        text = text.replace(old, new)
    return text


def node_exporter_args(textfile_dir, listen):
    """ARGS of contrib/prometheus/clinic-node-exporter.default, with this clinic's paths."""
    with open(os.path.join(CONTRIB, "clinic-node-exporter.default")) as f:
        args = re.search(r'^ARGS="(.*)"$', f.read(), re.M).group(1).split()
    out = []
    for a in args:
        if a.startswith("--web.listen-address="):
            a = "--web.listen-address=" + listen
        elif a.startswith("--collector.textfile.directory="):
            a = "--collector.textfile.directory=" + textfile_dir
        out.append(a)
    return out


def rollup_rows(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:  # where the figures came from and when: the only columns that differ
        r.pop("report", None)
        r.pop("reportGeneratedAt", None)
    return rows


TEST_STEP = 2  # seconds: the recorded aggregates' step in this test (an hour in contrib/)
TLS = [None]  # the ssl context trusting the national receiver's throwaway certificate


def recorded_rules_at_test_step():
    """contrib/prometheus/cancuoc-recorded.rules.yml with a step of TEST_STEP seconds instead of an
    hour, in its three places (the group's interval, every range, the step label)."""
    with open(os.path.join(CONTRIB, "cancuoc-recorded.rules.yml")) as f:
        text = f.read()
    for old, new in (("interval: 1h", "interval: %ds" % TEST_STEP), ("[1h]", "[%ds]" % TEST_STEP),
                     ('step_seconds: "3600"', 'step_seconds: "%d"' % TEST_STEP)):
        if old not in text:
            fail("cancuoc-recorded.rules.yml no longer contains %s" % old)
        text = text.replace(old, new)
    path = os.path.join(work, "cancuoc-recorded.rules.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def national_receiver_files():
    """A throwaway certificate for 127.0.0.1, passwords for the province and the roll-up, and
    contrib/prometheus/receiver-web.yml filled with them (bcrypt: python3-bcrypt)."""
    import base64
    import secrets
    import ssl
    d = os.path.join(work, "national-auth")
    os.makedirs(d)
    files = {"ca": os.path.join(d, "receiver.crt"), "key": os.path.join(d, "receiver.key")}
    r = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", files["key"],
             "-out", files["ca"]])
    if r.returncode != 0:
        fail("openssl: " + r.stderr)
    with open(os.path.join(CONTRIB, "receiver-web.yml")) as f:
        web = f.read().replace("/etc/prometheus/receiver.crt", files["ca"]).replace("/etc/prometheus/receiver.key", files["key"])
    for user in ("dong-nai", "rollup", "monitor"):
        password = secrets.token_urlsafe(18)
        hashed = bcrypt_hash(password)
        web, n = re.subn(r'(?m)^  %s: ".*"$' % re.escape(user), '  %s: "%s"' % (user, hashed), web)
        if n != 1:
            fail("receiver-web.yml has no user %s" % user)
        files[user + "-password"] = os.path.join(d, user + ".password")
        with open(files[user + "-password"], "w") as f:
            f.write(password)
        files[user + "-auth"] = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    files["province-password"] = files["dong-nai-password"]
    files["web"] = os.path.join(d, "web.yml")
    with open(files["web"], "w") as f:
        f.write(web)
    r = run(["promtool", "check", "web-config", files["web"]])
    if r.returncode != 0:
        fail("promtool check web-config receiver-web.yml: " + r.stdout + r.stderr)
    TLS[0] = ssl.create_default_context(cafile=files["ca"])
    return files


def bcrypt_hash(password):
    """Debian's python3-bcrypt (make deps), from whichever python3 runs this script."""
    try:
        import bcrypt
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=6)).decode()
    except ImportError:  # another python3 first on PATH (pyenv): Debian's has the package
        r = subprocess.run(["/usr/bin/python3", "-c", "import bcrypt, sys; print(bcrypt.hashpw(sys.stdin.read().encode(), "
                            "bcrypt.gensalt(rounds=6)).decode())"], input=password, capture_output=True, text=True)
        if r.returncode != 0:
            fail("bcrypt (Debian package python3-bcrypt): " + r.stderr)
        return r.stdout.strip()


def start_national(port, files):
    """contrib/prometheus/national-prometheus.yml and .default, with this test's paths."""
    with open(os.path.join(CONTRIB, "national-prometheus.yml")) as f:
        text = f.read()
    for old, new in (('"127.0.0.1:9090"', '"127.0.0.1:%d"' % port), ("/etc/prometheus/national-ca.pem", files["ca"]),
                     ("/etc/prometheus/national-monitor.password", files["monitor-password"])):
        if old not in text:
            fail("national-prometheus.yml no longer contains %s" % old)
        text = text.replace(old, new)
    cfg = os.path.join(work, "national.yml")
    with open(cfg, "w") as f:
        f.write(text)
    with open(os.path.join(CONTRIB, "national-prometheus.default")) as f:
        args = re.search(r'^ARGS="(.*)"$', f.read(), re.M).group(1).split()
    argv = ["prometheus"]
    for a in args:
        if a.startswith("--config.file="):
            a = "--config.file=" + cfg
        elif a.startswith("--web.config.file="):
            a = "--web.config.file=" + files["web"]
        argv.append(a)
    argv += ["--storage.tsdb.path=" + os.path.join(work, "national-data"), "--web.listen-address=127.0.0.1:%d" % port]
    start("national", argv)

    def ready():
        request = urllib.request.Request("https://127.0.0.1:%d/-/ready" % port)
        request.add_header("Authorization", files["monitor-auth"])
        with urllib.request.urlopen(request, timeout=5, context=TLS[0]) as r:
            return "Ready" in r.read().decode()
    wait_for("the national Prometheus", ready)


def check_national_authentication(base, files):
    """The receiver refuses requests without the password, with a wrong one, and plain HTTP."""
    import urllib.error
    for auth in (None, "Basic " + __import__("base64").b64encode(b"dong-nai:wrong").decode()):
        try:
            promql(base, "up", auth=auth)
            fail("the national Prometheus answered a query with authorization %r" % auth)
        except urllib.error.HTTPError as e:
            if e.code != 401:
                fail("the national Prometheus answered %d, expected 401" % e.code)
    try:
        http_get(base.replace("https:", "http:") + "/-/ready")
        fail("the national Prometheus answered plain HTTP")
    except urllib.error.HTTPError as e:
        if e.code != 400:
            fail("plain HTTP to the national Prometheus: %d, expected 400" % e.code)
    except (OSError, http.client.HTTPException):
        pass
    r = run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", files["ca"], "-X", "POST",
             "--data-binary", "x", base + "/api/v1/write"])
    if r.stdout != "401":
        fail("the remote-write receiver without a password answered %r, expected 401" % r.stdout)
    log("national receiver: TLS, 401 without or with a wrong password, remote write refused without one")


def trusting(ca, argv):
    """argv run where the system's CA bundle is the throwaway certificate (a private mount
    namespace, as on a machine that installed the national CA): libcurl under URLSession
    verifies the receiver like any other."""
    return ["unshare", "-m", "sh", "-c", 'mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && exec "$@"', ca] + argv


def main():
    started = time.monotonic()
    # The rule files and the shipped configurations, checked by promtool first.
    for cmd in (["promtool", "check", "rules", "cancuoc-inventory.rules.yml", "cancuoc-alerts.rules.yml",
                 "cancuoc-recorded.rules.yml"],
                ["promtool", "check", "config", "clinic-agent.yml"],
                ["promtool", "test", "rules", "cancuoc-rules.test.yml"],
                ["promtool", "test", "rules", "cancuoc-recorded.test.yml"]):
        r = run(cmd, cwd=CONTRIB)
        if r.returncode != 0:
            fail("%s:\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    r = run(["promtool", "check", "config", "national-prometheus.yml"], cwd=CONTRIB)
    if r.returncode != 0:
        fail("promtool check config national-prometheus.yml:\n" + r.stdout + r.stderr)
    national_port = free_port()
    national = "https://127.0.0.1:%d" % national_port
    national_files = national_receiver_files()
    province_cfg = os.path.join(work, "province.yml")
    with open(os.path.join(CONTRIB, "province-prometheus.yml")) as f:
        text = f.read()
    # The remote write to the nation is shipped commented out (no placeholder host is ever
    # written to): enabled here the way its comment tells an administrator.
    head, marker, block = text.partition("\n# remote_write:\n")
    if not marker or "\nremote_write:" in text:
        fail("province-prometheus.yml: no commented remote_write block to enable")
    text = head + "\nremote_write:\n" + re.sub(r"(?m)^# ", "", block)
    for old, new in (("/etc/prometheus/cancuoc-recorded.rules.yml", recorded_rules_at_test_step()),
                     ('"https://monitor.moh.example.vn/api/v1/write"', '"%s/api/v1/write"' % national),
                     ("/etc/prometheus/national-remote-write.password", national_files["province-password"]),
                     ("/etc/prometheus/national-ca.pem", national_files["ca"]),
                     ("/etc/prometheus/", CONTRIB + "/")):
        if old not in text:
            fail("province-prometheus.yml no longer contains %s" % old)
        text = text.replace(old, new)
    with open(province_cfg, "w") as f:
        f.write(text)
    r = run(["promtool", "check", "config", province_cfg])
    if r.returncode != 0:
        fail("promtool check config province-prometheus.yml:\n" + r.stdout + r.stderr)
    log("rules and configurations: promtool ok")

    # The province.
    province_port = free_port()
    province = "http://127.0.0.1:%d" % province_port
    start("province", ["prometheus", "--config.file=" + province_cfg, "--storage.tsdb.path=" + os.path.join(work, "province-data"),
                       "--web.listen-address=127.0.0.1:%d" % province_port, "--web.enable-remote-write-receiver"])
    wait_for("the province Prometheus", lambda: "Ready" in http_get(province + "/-/ready"))
    start_national(national_port, national_files)
    check_national_authentication(national, national_files)

    # The clinics.
    clinics = []
    for facility, profile, ok_reads, wrong_reads in CLINICS:
        d = os.path.join(work, facility)
        os.makedirs(os.path.join(d, "trust"))
        port = vpcd_ports()
        bench = os.path.join(d, "bench")
        r = run([os.path.join(ROOT, "scripts", "pcsc-bench.sh"), "start", bench, str(port)])
        if r.returncode != 0:
            fail("pcsc-bench " + facility + ": " + r.stderr)
        benches.append(bench)
        env = dict(os.environ, PCSCLITE_CSOCK_NAME=os.path.join(bench, "run", "pcscd.comm"))
        config = os.path.join(d, "cancuocd.json")
        with open(os.path.join(ROOT, "config", "cancuocd.json")) as f:
            cfg = json.load(f)
        cfg.update({"facility": {"id": facility, "name": None}, "metricsTextfile": os.path.join(d, "metrics", "cancuoc.prom"),
                    "metricsIntervalSeconds": 1})
        with open(config, "w") as f:
            json.dump(cfg, f)
        sock = os.path.join(d, "api.sock")
        start(facility + "-cancuocd", [os.path.join(BIN, "cancuocd"), "--socket", sock, "--config", config, "--trust",
                                       os.path.join(d, "trust"), "--state-directory", d, "--group", "", "--log-level", "notice"],
              env=env)
        node_port, agent_port = free_port(), free_port()
        start(facility + "-node-exporter", ["prometheus-node-exporter"]
              + node_exporter_args(os.path.join(d, "metrics"), "127.0.0.1:%d" % node_port))
        agent_cfg = os.path.join(d, "agent.yml")
        with open(agent_cfg, "w") as f:
            f.write(agent_config(facility, "127.0.0.1:%d" % node_port, province + "/api/v1/write"))
        start(facility + "-agent", ["prometheus", "--enable-feature=agent", "--config.file=" + agent_cfg,
                                    "--storage.agent.path=" + os.path.join(d, "agent-wal"),
                                    "--web.listen-address=127.0.0.1:%d" % agent_port])
        clinics.append(dict(facility=facility, profile=profile, ok=ok_reads, wrong=wrong_reads, dir=d, port=port,
                            sock=sock, env=env))

    # Before any read, the province holds every clinic's counters at 0: the reads that follow
    # are increases inside every window (docs/inventory.md, "When the two paths agree").
    def baseline():
        got = {}
        for s in promql(province, 'cancuoc_card_reads_total{outcome="ok"}'):
            got.setdefault(s["metric"].get("facility"), set()).add(s["metric"]["reader_id"])
        return all(len(got.get(c["facility"], ())) == 2 for c in clinics) and got
    wait_for("every clinic's two readers at the province", baseline)
    log("baseline at the province after %.0f s" % (time.monotonic() - started))

    # Reads through each daemon, as an HIS makes them.
    personal = []
    for c in clinics:
        if not c["profile"]:
            continue
        with open(os.path.join(PROFILES, c["profile"] + ".json")) as f:
            p = json.load(f)
        dg13 = p["dg13"]
        personal += [dg13["idNumber"], dg13["fullName"], dg13["dateOfBirth"], dg13["idNumber"][-6:]] + list(p["mrz"])
        start(c["facility"] + "-sim", [os.path.join(BIN, "cancuoc"), "sim", "--port", str(c["port"]), "--profile",
                                       c["profile"], "--trust-out", os.path.join(c["dir"], "trust"),
                                       "--crl-out", os.path.join(c["dir"], "crls")])
        client = wait_for(c["facility"] + " socket", lambda: CancuocClient(c["sock"]))
        for key, n, want_ok in ((({"id": dg13["idNumber"]}), c["ok"], True), ({"can": "000000"}, c["wrong"], False)):
            for _ in range(n):
                answer = client.call("card.read", {"reader": "Virtual PCD 00 00", "key": key, "waitForCardSeconds": 30},
                                     timeout=60)
                if ("result" in answer) != want_ok:
                    fail("%s: card.read answered %s" % (c["facility"], json.dumps(answer)[:300]))
        client.sock.close()

    # The clinics' trust after the reads (docs/fleet.md): BP-001 holds a current CRL of its CSCA,
    # BP-002 an expired one, BP-003 (no card) trusts nothing; the roll-ups must say so alike.
    crl_of = {"BP-001": "current.crl", "BP-002": "expired.crl"}
    for c in clinics:
        if c["facility"] in crl_of:
            shutil.copy(os.path.join(c["dir"], "crls", crl_of[c["facility"]]), os.path.join(c["dir"], "trust", "csca.crl"))

    # The clinics' JSON reports, once each usage log holds every read.
    reports = []
    for c in clinics:
        def report():
            r = run([os.path.join(BIN, "cancuoc"), "inventory", "--json", "--db", os.path.join(c["dir"], "usage.sqlite"),
                     "--trust", os.path.join(c["dir"], "trust")])
            if r.returncode != 0:
                return None
            rep = json.loads(r.stdout)
            return rep if rep["totals"]["last30Days"]["reads"] == c["ok"] + c["wrong"] else None
        rep = wait_for(c["facility"] + " usage log", report)
        path = os.path.join(work, c["facility"] + ".json")
        with open(path, "w") as f:
            json.dump(rep, f)
        reports.append((c, rep, path))

    # The province has them once its counters say the same.
    def arrived():
        totals = {s["metric"]["facility"]: float(s["value"][1])
                  for s in promql(province, "sum by (facility) (cancuoc_card_reads_total)")}
        return all(totals.get(c["facility"]) == c["ok"] + c["wrong"] for c in clinics) and totals
    wait_for("the reads at the province", arrived)
    crl_facilities = lambda base, name, **kw: {s["metric"].get("facility") for s in promql(base, name, **kw)}
    wait_for("the clinics' CRLs at the province",
             lambda: crl_facilities(province, "cancuoc_trust_crl_next_update_timestamp_seconds") == set(crl_of))
    log("reads at the province after %.0f s" % (time.monotonic() - started))

    registry = os.path.join(work, "facilities.csv")
    with open(registry, "w") as f:
        f.write(REGISTRY)
    from_json = run([os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry", registry, "--out",
                     os.path.join(work, "rollup-json")] + [p for _, _, p in reports])
    from_prom = run([os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry", registry, "--prometheus", province,
                     "--out", os.path.join(work, "rollup-prom")])
    for name, r in (("JSON", from_json), ("Prometheus", from_prom)):
        if r.returncode != 0:
            fail("roll-up from %s: exit %d\n%s%s" % (name, r.returncode, r.stdout, r.stderr))
    json_rows = rollup_rows(os.path.join(work, "rollup-json", "inventory-rollup.csv"))
    prom_rows = rollup_rows(os.path.join(work, "rollup-prom", "inventory-rollup.csv"))
    if json_rows != prom_rows:
        fail("the roll-ups differ:\nJSON:       %s\nPrometheus: %s" % (json_rows, prom_rows))
    # The figures are the reads made, not two empty tables that agree.
    by_id = {r["facilityId"]: r for r in prom_rows}
    expect = {"BP-001": ("1", "2", "1", "4", "1"), "BP-002": ("1", "2", "1", "3", "2"),
              "BP-003": ("1", "2", "0", "0", "0"), "BP-004": ("0", "0", "0", "0", "0")}
    for fid, (reported, present, working, reads, failed) in expect.items():
        r = by_id[fid]
        got = (r["reported"], r["readersPresent"], r["readersWorking"], r["reads30d"], r["failed30d"])
        if got != (reported, present, working, reads, failed):
            fail("%s: reported/present/working/reads/failed %s, expected %s" % (fid, got, expect[fid]))
    if by_id["BP-003"]["readersIdle30d"] != "2":
        fail("BP-003's two readers should be idle")
    trust = {fid: (by_id[fid]["crlState"], by_id[fid]["trustCSCAs"]) for fid in sorted(by_id)}
    if trust != {"BP-001": ("current", "1"), "BP-002": ("expired", "1"), "BP-003": ("none", "0"), "BP-004": ("unknown", "")}:
        fail("the clinics' CRL states and CSCAs: %s" % trust)
    if "BP-002 Phòng khám đa khoa Tâm Đức: CRL đã hết hạn ngày" not in from_prom.stdout or "revocation is not checked" not in from_prom.stdout:
        fail("the table does not say that BP-002's CRL expired:\n" + from_prom.stdout)
    table = lambda out: [l for l in out.splitlines() if not l.startswith("Tổng hợp") and not l.startswith(("CSV:", "HTML:"))]
    if table(from_json.stdout) != table(from_prom.stdout):
        fail("the terminal tables differ:\n%s\n---\n%s" % (from_json.stdout, from_prom.stdout))
    with open(os.path.join(work, "rollup-prom", "inventory-rollup.html"), encoding="utf-8") as f:
        html = f.read()
    if "2 / 4" not in html:
        fail("the HTML from Prometheus does not say 2 of 4 facilities have a working reader")
    log("roll-up from Prometheus = roll-up from JSON reports (4 facilities, 2 with a working reader)")

    # The recorded aggregates: once an evaluation has seen every read, the roll-up from them
    # equals the raw one and the JSON one.
    totals = lambda base, q, **kw: {s["metric"].get("facility"): float(s["value"][1]) for s in promql(base, q, **kw)}
    # Counters that never moved are not recorded (BP-003's idle readers, every outcome that
    # never happened): absent means 0 reads, and the roll-ups below must still say 0.
    expected = {c["facility"]: c["ok"] + c["wrong"] for c in clinics if c["ok"] + c["wrong"]}
    wait_for("the reads in the province's recorded aggregates",
             lambda: totals(province, "sum by (facility) (cancuoc:card_reads:max1h)") == expected)
    wait_for("the CRLs in the province's recorded aggregates",
             lambda: crl_facilities(province, "cancuoc:trust_crl_next_update_timestamp_seconds:last1h") == set(crl_of))
    idle = [c["facility"] for c in clinics if not c["ok"] + c["wrong"]]
    present = {s["metric"].get("facility") for s in promql(province, "last_over_time(cancuoc:reader_present:last1h[1m])")}
    if not idle or not set(idle) <= present:
        fail("the idle clinics %s should be recorded as present (%s), their zero counters not" % (idle, present))
    from_rec = run([os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry", registry, "--prometheus", province,
                    "--source", "recorded", "--out", os.path.join(work, "rollup-recorded")])
    if from_rec.returncode != 0 or "Source: recorded aggregates (step %d s)" % TEST_STEP not in from_rec.stderr:
        fail("roll-up from recorded aggregates: exit %d\n%s%s" % (from_rec.returncode, from_rec.stdout, from_rec.stderr))
    rec_rows = rollup_rows(os.path.join(work, "rollup-recorded", "inventory-rollup.csv"))
    if rec_rows != json_rows:
        fail("the roll-ups differ:\nJSON:     %s\nrecorded: %s" % (json_rows, rec_rows))
    if table(from_rec.stdout) != table(from_json.stdout):
        fail("the terminal tables differ (recorded):\n%s\n---\n%s" % (from_json.stdout, from_rec.stdout))
    # auto: minutes of recorded history do not cover 35 days, so the raw series are read, and said so.
    from_auto = run([os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry", registry, "--prometheus", province,
                     "--out", os.path.join(work, "rollup-auto")])
    if from_auto.returncode != 0 or "Source: raw samples" not in from_auto.stderr or "raw samples used" not in from_auto.stderr:
        fail("roll-up with --source auto: exit %d\n%s" % (from_auto.returncode, from_auto.stderr))
    log("roll-up from recorded aggregates = raw = JSON reports")

    # The nation: the province remote-wrote its recorded aggregates (and nothing else), labelled
    # with its province, through TLS and a password; the national roll-up gives the same rows,
    # grouped by province.
    auth = national_files["rollup-auth"]
    wait_for("the reads at the national Prometheus",
             lambda: totals(national, "sum by (facility) (cancuoc:card_reads:max1h)", auth=auth) == expected)
    wait_for("the CRLs at the national Prometheus",
             lambda: crl_facilities(national, "cancuoc:trust_crl_next_update_timestamp_seconds:last1h", auth=auth) == set(crl_of))
    names = {s["metric"]["__name__"] for s in promql(national, 'count by (__name__) ({__name__=~".+"})', auth=auth)}
    if not any(n.startswith("cancuoc:") for n in names) or any(n.startswith("cancuoc_") for n in names):
        fail("the national Prometheus should hold the recorded cancuoc:* series and no raw one: %s" % sorted(names))
    provinces = {s["metric"].get("province") for s in promql(national, "cancuoc:evaluation_timestamp_seconds", auth=auth)}
    if provinces != {"Đồng Nai"}:
        fail("the national series' province labels: %s" % provinces)
    national_registry = os.path.join(work, "national-facilities.csv")
    with open(national_registry, "w") as f:
        lines = REGISTRY.strip().split("\n")
        # The registry still names the province before the July 2025 reform: Bình Phước, merged
        # into Đồng Nai (AdminUnits' lists); the national table reports it under Đồng Nai.
        f.write("\n".join([lines[0] + ",province"] + [l + ",Bình Phước" for l in lines[1:]]) + "\n")
    from_nation = run(trusting(national_files["ca"], [os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry",
                      national_registry, "--prometheus", national, "--prometheus-user", "rollup",
                      "--prometheus-password-file", national_files["rollup-password"],
                      "--out", os.path.join(work, "rollup-national")]))
    if from_nation.returncode != 0 or "Source: recorded aggregates" not in from_nation.stderr:
        fail("national roll-up: exit %d\n%s%s" % (from_nation.returncode, from_nation.stdout, from_nation.stderr))
    nation_rows = rollup_rows(os.path.join(work, "rollup-national", "inventory-rollup.csv"))
    for r in nation_rows:
        today, code, former = r.pop("province"), r.pop("provinceCode"), r.pop("formerProvince")
        if "Đồng Nai" not in today or code != "75" or "Bình Phước" not in former:
            fail("national row not under today's province (%r, %r, former %r): %s" % (today, code, former, r))
    if nation_rows != json_rows:
        fail("the roll-ups differ:\nJSON:     %s\nnational: %s" % (json_rows, nation_rows))
    if "Tỉnh / Province" not in from_nation.stdout or "Đồng Nai" not in from_nation.stdout:
        fail("the national table has no row for the province:\n" + from_nation.stdout)
    log("national roll-up (TLS, password, recorded aggregates only) = JSON reports, grouped by province")
    # Another user's password: refused by the receiver, a clear error and no table.
    refused = run(trusting(national_files["ca"], [os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry",
                  national_registry, "--prometheus", national, "--prometheus-user", "rollup",
                  "--prometheus-password-file", national_files["monitor-password"],
                  "--out", os.path.join(work, "rollup-refused")]))
    if refused.returncode == 0 or "401" not in refused.stderr or os.path.exists(os.path.join(work, "rollup-refused")):
        fail("the national roll-up with a wrong password: exit %d\n%s" % (refused.returncode, refused.stderr))
    sent = {}  # the province's own counters, read from its /metrics (it scrapes itself once a minute)
    for line in http_get(province + "/metrics").splitlines():
        m = re.match(r"(prometheus_remote_storage_(?:bytes|samples)_total)\{.*\} ([0-9.e+]+)$", line)
        if m:
            sent[m.group(1)] = sent.get(m.group(1), 0) + float(m.group(2))
    if not sent.get("prometheus_remote_storage_samples_total"):
        fail("the province's remote-write counters: %s" % sent)
    log("the province sent the nation %d samples in %d bytes (%.1f bytes a sample, in small batches)" % (
        sent["prometheus_remote_storage_samples_total"], sent.get("prometheus_remote_storage_bytes_total", 0),
        sent.get("prometheus_remote_storage_bytes_total", 0) / sent["prometheus_remote_storage_samples_total"]))

    # The median read time: histogram_quantile over the same 30 days lies in the bucket of the
    # clinic's exact median (UsageStore.durationBuckets).
    bounds = [0.1, 0.25, 0.5, 1, 2, 5, 10, float("inf")]
    bucket = lambda seconds: next(i for i, b in enumerate(bounds) if seconds <= b)
    medians = {(s["metric"]["facility"], s["metric"]["reader_id"]): float(s["value"][1]) for s in promql(
        province, "histogram_quantile(0.5, max_over_time(cancuoc_read_duration_seconds_bucket[30d])"
                  " - min_over_time(cancuoc_read_duration_seconds_bucket[30d]))")}
    checked = 0
    for c, rep, _ in reports:
        for reader in rep["readers"]:
            exact = reader["usage"]["medianReadMs"]
            estimate = medians.get((c["facility"], reader["id"]))
            if exact is None:
                if estimate is not None and estimate == estimate:  # NaN: no successful read
                    fail("%s %s: a median without successful reads" % (c["facility"], reader["id"]))
                continue
            if estimate is None or bucket(exact / 1000) != bucket(estimate):
                fail("%s %s: median %s ms, Prometheus %s s: not the same bucket" % (c["facility"], reader["id"], exact, estimate))
            checked += 1
    if checked != 2:
        fail("expected medians of 2 readers, checked %d" % checked)
    log("median read times: the same histogram bucket on both paths")

    # No personal data in any textfile, in anything the province stores, or in the roll-up.
    stored = json.dumps(promql(province, '{__name__=~"cancuoc_.+"}'), ensure_ascii=False)
    haystacks = [("province series", stored),
                 ("national series", json.dumps(promql(national, '{__name__=~"cancuoc:.+"}',
                                                       auth=national_files["rollup-auth"]), ensure_ascii=False))]
    for c in clinics:
        with open(os.path.join(c["dir"], "metrics", "cancuoc.prom"), encoding="utf-8") as f:
            haystacks.append((c["facility"] + " textfile", f.read()))
    for name in ("inventory-rollup.csv", "inventory-rollup.html"):
        with open(os.path.join(work, "rollup-prom", name), encoding="utf-8") as f:
            haystacks.append(("roll-up " + name, f.read()))
    haystacks.append(("roll-up stdout", from_prom.stdout))
    if len(personal) < 10:
        fail("too few personal values to search for")
    for name, text in haystacks:
        for value in personal:
            if value in text:
                fail("%s holds personal data (%s…)" % (name, value[:4]))
    log("no personal data in %d places searched" % len(haystacks))

    # Bad addresses: a clear error in both languages, quickly, never a hang or a crash.
    dead = free_port()
    node = "http://127.0.0.1:%d" % int(re.search(r"127\.0\.0\.1:(\d+)", open(os.path.join(clinics[0]["dir"], "agent.yml")).read()).group(1))
    for url, expect_text in (("http://127.0.0.1:%d" % dead, "Cannot reach Prometheus"),
                             (node, "not a Prometheus query result"),
                             ("ftp://example", "Not a Prometheus URL")):
        t0 = time.monotonic()
        r = run([os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry", registry, "--prometheus", url,
                 "--timeout", "10", "--out", os.path.join(work, "rollup-bad")])
        if r.returncode == 0 or expect_text not in r.stderr or "/" not in r.stderr or time.monotonic() - t0 > 30:
            fail("%s: exit %d after %.0f s, stderr %r" % (url, r.returncode, time.monotonic() - t0, r.stderr))
    log("unreachable and wrong addresses: clear errors")
    log("ok in %.0f s" % (time.monotonic() - started))


def cleanup():
    for name, p in reversed(processes):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for name, p in reversed(processes):
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    for bench in benches:
        subprocess.run([os.path.join(ROOT, "scripts", "pcsc-bench.sh"), "stop", bench], capture_output=True)
    if os.environ.get("KEEP_WORK"):
        log("kept " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
