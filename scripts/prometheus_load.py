#!/usr/bin/env python3
"""Load check of the province path (docs/inventory.md): N synthetic facilities remote-written to one
province Prometheus, then the roll-up timed. A measurement, not a test (make prometheus-load).

What runs, all on loopback:
- a small HTTP server plays N clinics' node_exporters: /metrics?facility=F-0001 answers the
  series a clinic with two readers exposes (the families of docs/inventory.md; one facility in
  ten also has a signature token), counters growing between scrapes;
- one Prometheus in agent mode scrapes the N targets (each with its `facility` label, as the
  clinics' agents add it) and remote-writes to
- the province Prometheus (--web.enable-remote-write-receiver), which stores them.
One agent with N targets sends the same remote-write stream as N agents with one target each
(the series and their labels are the same); only the number of TCP connections differs.

After PROMETHEUS_LOAD_MINUTES (default 10) it reports: series stored, samples appended per
second, each roll-up query's time and samples touched, the whole `cancuoc inventory rollup
--prometheus` time, and the province Prometheus's resident memory (VmRSS, and its peak VmHWM).

    Usage: scripts/prometheus_load.py BIN_DIR
"""
import http.server
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else sys.exit("usage: prometheus_load.py BIN_DIR")
FACILITIES = int(os.environ.get("PROMETHEUS_LOAD_FACILITIES", "1000"))
MINUTES = float(os.environ.get("PROMETHEUS_LOAD_MINUTES", "10"))
SCRAPE = os.environ.get("PROMETHEUS_LOAD_SCRAPE_INTERVAL", "15s")

with open(os.path.join(ROOT, "Sources", "CardService", "ReadFailure.swift")) as f:
    kinds = re.search(r"enum Kind: String, CaseIterable, Sendable \{\s*case ([^}]*)\}", f.read()).group(1)
OUTCOMES = ["ok"] + [k.strip().strip("`") for k in kinds.replace("case", ",").split(",") if k.strip()] + ["other"]
BUCKETS = ["0.1", "0.25", "0.5", "1", "2", "5", "10", "+Inf"]

work = tempfile.mkdtemp(prefix="cancuoc-load.")
processes = []
lock = threading.Lock()
state = {}  # facility -> {reader: {outcome: count}, "buckets": {reader: [..]}}


def fid(i):
    return "F-%04d" % i


def readers(i):
    rs = [("072F:2200:%06d" % i, "ACS ACR1252 Dual Reader PICC 00 00", "072F", "2200", "ACS", "ACR1252 Dual Reader PICC"),
          ("072F:2200:%06d-2" % i, "ACS ACR1252 Dual Reader PICC 01 00", "072F", "2200", "ACS", "ACR1252 Dual Reader PICC")]
    if i % 10 == 0:
        rs.append(("096E:0807:%06d" % i, "Feitian ePass2003 00 00", "096E", "0807", "Feitian", "ePass2003"))
    return rs


def exposition(i):
    """One clinic's textfile as node_exporter serves it; the first reader is used."""
    now = time.time()
    rng = random.Random(i)
    with lock:
        s = state.setdefault(i, {"reads": {}, "buckets": {}, "start": now - rng.randrange(86400, 200 * 86400)})
        r0 = readers(i)[0][0]
        counts = s["reads"].setdefault(r0, {o: 0 for o in OUTCOMES})
        buckets = s["buckets"].setdefault(r0, [0] * len(BUCKETS))
        if random.random() < 0.3:  # about one read a minute at 15 s scrapes
            outcome = "ok" if random.random() < 0.9 else random.choice(OUTCOMES[1:-1])
            counts[outcome] += 1
            if outcome == "ok":
                b = random.choice([3, 4, 4, 4, 5])
                for k in range(b, len(BUCKETS)):
                    buckets[k] += 1
    lines = []
    add = lines.append

    def family(name, kind):
        add("# HELP %s synthetic\n# TYPE %s %s" % (name, name, kind))

    family("cancuoc_pcsc_up", "gauge"); add("cancuoc_pcsc_up 1")
    family("cancuoc_usage_events_lost_total", "counter"); add("cancuoc_usage_events_lost_total 0")
    family("cancuoc_metrics_written_timestamp_seconds", "gauge"); add("cancuoc_metrics_written_timestamp_seconds %d" % now)
    family("cancuoc_facility_info", "gauge"); add('cancuoc_facility_info{facility_id="%s"} 1' % fid(i))
    rs = readers(i)
    family("cancuoc_reader_info", "gauge")
    for rid, name, vid, pid, vendor, product in rs:
        add('cancuoc_reader_info{reader_id="%s",name="%s",vid="%s",pid="%s",vendor="%s",product="%s"} 1'
            % (rid, name, vid, pid, vendor, product))
    for metric, value in (("cancuoc_reader_present", lambda k, r: 1),
                          ("cancuoc_reader_contact_only", lambda k, r: 1 if k == 2 else 0),
                          ("cancuoc_reader_first_seen_timestamp_seconds", lambda k, r: int(s["start"])),
                          ("cancuoc_reader_last_seen_timestamp_seconds", lambda k, r: int(now)),
                          ("cancuoc_reader_last_used_timestamp_seconds", lambda k, r: int(now) if k == 0 else None),
                          ("cancuoc_reader_last_success_timestamp_seconds", lambda k, r: int(now) if k == 0 else None)):
        family(metric, "gauge")
        for k, r in enumerate(rs):
            v = value(k, r)
            if v is not None:
                add('%s{reader_id="%s"} %d' % (metric, r[0], v))
    family("cancuoc_card_reads_total", "counter")
    for r in rs:
        c = s["reads"].get(r[0], {})
        for o in OUTCOMES:
            add('cancuoc_card_reads_total{reader_id="%s",outcome="%s"} %d' % (r[0], o, c.get(o, 0)))
    family("cancuoc_read_duration_seconds", "histogram")
    for r in rs:
        b = s["buckets"].get(r[0], [0] * len(BUCKETS))
        for le, n in zip(BUCKETS, b):
            add('cancuoc_read_duration_seconds_bucket{reader_id="%s",le="%s"} %d' % (r[0], le, n))
        add('cancuoc_read_duration_seconds_sum{reader_id="%s"} %.3f' % (r[0], b[-1] * 0.8))
        add('cancuoc_read_duration_seconds_count{reader_id="%s"} %d' % (r[0], b[-1]))
    return ("\n".join(lines) + "\n").encode()


class Clinics(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        i = int(q["facility"][0][2:])
        body = exposition(i)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, argv):
    logf = open(os.path.join(work, name + ".log"), "w")
    p = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    processes.append(p)
    return p


def query(base, q, stats=False):
    fields = {"query": q}
    if stats:
        fields["stats"] = "all"
    data = urllib.parse.urlencode(fields).encode()
    t0 = time.monotonic()
    with urllib.request.urlopen(base + "/api/v1/query", data=data, timeout=600) as r:
        answer = json.load(r)
    return answer, time.monotonic() - t0


def scalar(base, q):
    result = query(base, q)[0]["data"]["result"]
    return float(result[0]["value"][1]) if result else float("nan")


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024  # MiB
    return 0


def main():
    global PROVINCE_PORT
    clinics_port, province_port, agent_port = free_port(), free_port(), free_port()
    PROVINCE_PORT = province_port
    server = http.server.ThreadingHTTPServer(("127.0.0.1", clinics_port), Clinics)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    province = "http://127.0.0.1:%d" % province_port
    start("province", ["prometheus", "--config.file=" + write_province_config(),
                       "--storage.tsdb.path=" + os.path.join(work, "province-data"),
                       "--web.listen-address=127.0.0.1:%d" % province_port, "--web.enable-remote-write-receiver",
                       "--web.enable-admin-api"])
    province_pid = processes[-1].pid
    for _ in range(100):
        try:
            urllib.request.urlopen(province + "/-/ready", timeout=2)
            break
        except Exception:
            time.sleep(0.3)
    agent_cfg = os.path.join(work, "agent.yml")
    with open(agent_cfg, "w") as f:
        f.write("global:\n  scrape_interval: %s\n  scrape_timeout: 10s\nscrape_configs:\n  - job_name: cancuoc\n" % SCRAPE)
        f.write("    metric_relabel_configs:\n      - source_labels: [__name__]\n        regex: \"cancuoc_.*\"\n        action: keep\n")
        f.write("    static_configs:\n")
        for i in range(1, FACILITIES + 1):
            f.write('      - targets: ["127.0.0.1:%d"]\n        labels: {facility: "%s", __param_facility: "%s"}\n'
                    % (clinics_port, fid(i), fid(i)))
        f.write('remote_write:\n  - url: "%s/api/v1/write"\n    queue_config:\n      batch_send_deadline: 5s\n'
                '      max_samples_per_send: 2000\n' % province)
    start("agent", ["prometheus", "--enable-feature=agent", "--config.file=" + agent_cfg,
                    "--storage.agent.path=" + os.path.join(work, "agent-wal"), "--web.listen-address=127.0.0.1:%d" % agent_port])
    print("load: %d facilities, scrape every %s, for %.0f min; province pid %d" % (FACILITIES, SCRAPE, MINUTES, province_pid),
          flush=True)
    end = time.monotonic() + MINUTES * 60
    while time.monotonic() < end:
        time.sleep(min(60, max(1, end - time.monotonic())))
        try:
            facilities = scalar(province, "count(count by (facility) (cancuoc_metrics_written_timestamp_seconds))")
            series = scalar(province, 'count({__name__=~".+"})')
        except Exception as e:
            facilities, series = float("nan"), float("nan")
        print("  %.0f s: facilities %s, series %s, province RSS %d MiB" % (
            MINUTES * 60 - (end - time.monotonic()), facilities, series, proc_status(province_pid, "VmRSS")), flush=True)

    # What the province holds (it scrapes its own metrics too).
    with urllib.request.urlopen(province + "/api/v1/status/tsdb", timeout=60) as r:
        head_series = json.load(r)["data"]["headStats"]["numSeries"]
    series = scalar(province, 'count({facility=~".+"})')
    facilities = scalar(province, "count(count by (facility) (cancuoc_metrics_written_timestamp_seconds))")
    samples = scalar(province, "sum(prometheus_tsdb_head_samples_appended_total)")
    per_second = scalar(province, "sum(rate(prometheus_tsdb_head_samples_appended_total[5m]))")
    print("stored: %d facility series for %d facilities (%.1f per facility; %d series in the head), %d samples; "
          "%.0f samples/s appended over the last 5 min" % (series, facilities, series / max(1, facilities), head_series,
                                                           samples, per_second))

    # The roll-up's queries one by one (with Prometheus's own statistics), then the command.
    queries = rollup_queries()
    total = 0
    touched = 0
    for q in queries:
        answer, took = query(province, q, stats=True)
        st = (answer.get("data", {}).get("stats") or {}).get("samples", {})
        n = st.get("totalQueryableSamples", 0)
        total += took
        touched += n
        print("  %6.3f s  %9d samples  %s" % (took, n, q))
    print("roll-up queries: %.2f s, %d samples touched" % (total, touched))
    registry = os.path.join(work, "facilities.csv")
    with open(registry, "w") as f:
        f.write("id,name,district,type,declaredReaderNeed\n")
        for i in range(1, FACILITIES + 51):  # 50 facilities in the registry send nothing
            f.write("%s,Cơ sở %d,Huyện %d,Trạm y tế xã,1\n" % (fid(i), i, i % 11))
    t0 = time.monotonic()
    r = subprocess.run([os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry", registry, "--prometheus", province,
                        "--out", os.path.join(work, "rollup")], capture_output=True, text=True, timeout=1200)
    took = time.monotonic() - t0
    head = [l for l in r.stdout.splitlines()[:3]]
    print("cancuoc inventory rollup --prometheus: exit %d in %.2f s" % (r.returncode, took))
    for l in head:
        print("  " + l)
    if r.returncode != 0:
        print(r.stderr)
    print("province Prometheus memory: VmRSS %d MiB, peak VmHWM %d MiB" % (
        proc_status(province_pid, "VmRSS"), proc_status(province_pid, "VmHWM")))
    size = subprocess.run(["du", "-sm", os.path.join(work, "province-data")], capture_output=True, text=True).stdout.split()[0]
    print("province storage after %.0f min: %s MiB (the WAL: blocks are cut every 2 h)" % (MINUTES, size))
    # A snapshot writes the in-memory head as a compressed block: its size per sample is what
    # a year on disk costs.
    req = urllib.request.Request(province + "/api/v1/admin/tsdb/snapshot", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=600) as answer:
        name = json.load(answer)["data"]["name"]
    snap = os.path.join(work, "province-data", "snapshots", name)
    def du(path):
        return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])
    chunks, whole = 0, du(snap)
    for block in os.listdir(snap):
        if os.path.isdir(os.path.join(snap, block, "chunks")):
            chunks += du(os.path.join(snap, block, "chunks"))
    stored = scalar(province, "sum(prometheus_tsdb_head_samples_appended_total)")
    print("compressed block of the head: %d bytes (chunks %d, index %d) for %d samples in %d series: "
          "chunks %.2f bytes/sample, index %.0f bytes/series"
          % (whole, chunks, whole - chunks, stored, head_series, chunks / max(1, stored), (whole - chunks) / max(1, head_series)))
    return 0 if r.returncode == 0 else 1


def write_province_config():
    path = os.path.join(work, "province.yml")
    with open(path, "w") as f:
        f.write("global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: prometheus\n"
                "    static_configs:\n      - targets: [\"127.0.0.1:%d\"]\n" % PROVINCE_PORT)
    return path


def rollup_queries():
    """The roll-up's PromQL, read from PrometheusInventory.swift (one place for the queries)."""
    with open(os.path.join(ROOT, "Sources", "CancuocUsage", "PrometheusInventory.swift")) as f:
        src = f.read()
    metric = dict(re.findall(r'static let (\w+) = "(cancuoc_[a-z_]+)"',
                             open(os.path.join(ROOT, "Sources", "CancuocUsage", "InventoryMetric.swift")).read()))
    out = []
    for name, expr in re.findall(r'public static let (\w+) = "(.*)"\n', src):
        if "\\(" not in expr:
            continue
        out.append(expr)
    for days in (1, 7, 30):
        out.append('max_over_time(\\(M.reads)[%dd]) - min_over_time(\\(M.reads)[%dd])' % (days, days))
    resolved = []
    for e in out:
        e = e.replace("\\(lookback)", "[35d]")
        e = re.sub(r"\\\(M\.(\w+)\)", lambda m: metric[m.group(1)], e)
        resolved.append(e)
    return resolved


if __name__ == "__main__":
    status = 1
    try:
        status = main()
    finally:
        for p in reversed(processes):
            p.send_signal(signal.SIGTERM)
        for p in reversed(processes):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        if os.environ.get("KEEP_WORK"):
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(status)
