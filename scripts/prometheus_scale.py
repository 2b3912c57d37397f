#!/usr/bin/env python3
"""The inventory at the country's scale (docs/inventory.md), measured on a month of backfilled history.
A measurement, not a test (make prometheus-load); all on loopback.

Synthetic facilities, each with two chip-ID readers (the second one idle), one in ten with a
signature token as well. The clinic PCs are on about a third of the week (Monday to Friday
07:00-17:00 and Saturday 07:00-13:00, Vietnam time: 56 of 168 hours) and send figures only
then. A few facilities fall silent 5 days before the end, a few fail most of their reads in
the last day: the alerts must fire for them.

Scenarios (PROMETHEUS_LOAD_SCENARIOS, default "province,thousand,country"):
- province: PROMETHEUS_LOAD_PROVINCE facilities (129) x PROMETHEUS_LOAD_DAYS days (35). The raw
  series are backfilled with `promtool tsdb create-blocks-from openmetrics` (one sample every
  PROMETHEUS_LOAD_RAW_INTERVAL seconds while the PC is on, default 300: see below), the recorded
  aggregates with `promtool tsdb create-blocks-from rules` over them (contrib/prometheus/
  cancuoc-recorded.rules.yml, unchanged), then `cancuoc inventory rollup --prometheus` is timed
  with --source raw and --source recorded, and the two CSVs compared. The alerts of
  cancuoc-alerts.rules.yml are evaluated by the live Prometheus and must fire for the silent and
  the failing facilities.
- thousand: PROMETHEUS_LOAD_THOUSAND facilities (1000): the recorded aggregates only, written as
  the rules write them (hourly, same names and labels), backfilled; the recorded roll-up timed.
- country: PROMETHEUS_LOAD_COUNTRY facilities (12455) over PROMETHEUS_LOAD_PROVINCES provinces
  (34) on one national Prometheus holding only recorded aggregates with a `province` label. The
  province of the first scenario goes end to end: its recorded blocks (made by promtool from its
  raw series, with the `province` label a province's remote write adds as external label) are
  moved into the national Prometheus; the other facilities' hourly aggregates are written
  directly. Then the national roll-up is timed, the national Prometheus's series and memory read,
  and the province's rows of the national table compared with its own roll-up.

Why the raw samples are every 5 minutes and not every minute (the shipped scrape interval): a
minute's samples of 129 facilities over 35 days are 130 million; promtool backfills about
200,000 a second here, which alone would take the whole run. The raw roll-up reads every sample
of its windows, so at one a minute it reads 5 times what is measured here: the line says both.

    Usage: scripts/prometheus_scale.py BIN_DIR
"""
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
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else sys.exit("usage: prometheus_scale.py BIN_DIR")
CONTRIB = os.path.join(ROOT, "contrib", "prometheus")
ENV = os.environ.get
SCENARIOS = ENV("PROMETHEUS_LOAD_SCENARIOS", "province,thousand,country").split(",")
PROVINCE = int(ENV("PROMETHEUS_LOAD_PROVINCE", "129"))
THOUSAND = int(ENV("PROMETHEUS_LOAD_THOUSAND", "1000"))
COUNTRY = int(ENV("PROMETHEUS_LOAD_COUNTRY", "12455"))
PROVINCES = int(ENV("PROMETHEUS_LOAD_PROVINCES", "34"))
DAYS = int(ENV("PROMETHEUS_LOAD_DAYS", "35"))
RAW_INTERVAL = int(ENV("PROMETHEUS_LOAD_RAW_INTERVAL", "300"))
STEP = 3600  # the recorded aggregates' step (cancuoc-recorded.rules.yml)
SCRAPE = 60  # the shipped scrape interval (clinic-agent.yml)
SYNTH = 1200  # the sample interval simulated under the directly written hourly aggregates

with open(os.path.join(ROOT, "Sources", "CardService", "ReadFailure.swift")) as f:
    kinds = re.search(r"enum Kind: String, CaseIterable, Sendable \{\s*case ([^}]*)\}", f.read()).group(1)
OUTCOMES = ["ok"] + [k.strip().strip("`") for k in kinds.replace("case", ",").split(",") if k.strip()] + ["other"]
USED = OUTCOMES[:5]  # ok and the four failures the synthetic readers have
BUCKETS = ["0.1", "0.25", "0.5", "1", "2", "5", "10", "+Inf"]
BOUNDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, float("inf")]

work = tempfile.mkdtemp(prefix="cancuoc-scale.")
processes = []
results = []  # the lines printed at the end


def log(msg):
    print("prometheus-load: " + msg, flush=True)


# ---------------------------------------------------------------- the synthetic facilities
END = (int(time.time()) // STEP) * STEP - STEP  # an evaluation time, an hour before now
START = END - DAYS * 86400


def on(t, every_day=False):
    """The PC is on (Vietnam time, UTC+7): Mon-Fri 07-17, Sat 07-13; a hospital's every day 07-17."""
    local = t + 7 * 3600
    day, hour = (local // 86400 + 3) % 7, (local % 86400) // 3600  # day 0 = Monday (1970-01-01 was a Thursday)
    if every_day:
        return 7 <= hour < 17
    return (day < 5 and 7 <= hour < 17) or (day == 5 and 7 <= hour < 13)


def fid(prefix, i):
    return "%s-%05d" % (prefix, i)


class Facility:
    """One facility's history: the readers' counters at every raw sample time while the PC is on."""

    def __init__(self, facility, seed, interval):
        self.id = facility
        rng = random.Random(seed)
        self.silent = seed % 40 == 7  # stops sending 5 days before the end
        # A hospital open every day whose reads mostly fail in the last day (so that the day's
        # failure-rate alert has reads to look at whatever the weekday of the run).
        self.failing = seed % 40 == 13
        self.readers = [("072F:2200:%06d" % seed, "ACS ACR1252 Dual Reader PICC 00 00", False),
                        ("072F:2200:%06d-2" % seed, "ACS ACR1252 Dual Reader PICC 01 00", False)]
        if seed % 10 == 0:
            self.readers.append(("096E:0807:%06d" % seed, "Feitian ePass2003 00 00", True))
        self.first_seen = START - rng.randrange(86400, 200 * 86400)
        stop = END - 5 * 86400 if self.silent else END
        self.times = [t for t in range(START + rng.randrange(interval), stop + 1, interval) if on(t, self.failing)]
        # The first reader's reads: about 20 an open hour, 90% ok.
        rate = 20.0 * interval / 3600
        counts = [0] * len(USED)  # the outcomes that happen; the others stay 0
        buckets = [0] * len(BUCKETS)
        self.reads, self.buckets, self.last_used, self.last_ok = [], [], [], []
        used = ok_at = None
        for t in self.times:
            n = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
            for _ in range(n):
                bad = 0.8 if (self.failing and t > END - 86400) else 0.1
                outcome = rng.choice(USED[1:]) if rng.random() < bad else "ok"
                counts[USED.index(outcome)] += 1
                used = t
                if outcome == "ok":
                    ok_at = t
                    d = rng.choice([0.3, 0.4, 0.4, 0.7, 1.5])
                    for k, b in enumerate(BOUNDS):
                        if d <= b:
                            buckets[k] += 1
            self.reads.append(tuple(counts))
            self.buckets.append(tuple(buckets))
            self.last_used.append(used)
            self.last_ok.append(ok_at)


def series_lines(name, labels, pairs):
    """OpenMetrics lines of one series: pairs of (value, unix time)."""
    prefix = "%s{%s} " % (name, ",".join('%s="%s"' % kv for kv in labels))
    return "".join("%s%s %d\n" % (prefix, v, t) for v, t in pairs)


def raw_openmetrics(facilities, path):
    """The raw series (the names and labels a clinic's agent sends), grouped by metric family."""
    with open(path, "w") as f:
        def family(name, each):
            for fa in facilities:
                base = (("facility", fa.id), ("instance", "127.0.0.1:9100"), ("job", "cancuoc"))
                each(f, fa, base, name)
        family("cancuoc_metrics_written_timestamp_seconds",
               lambda f, fa, b, n: f.write(series_lines(n, b, ((t, t) for t in fa.times))))
        family("cancuoc_usage_events_lost_total",
               lambda f, fa, b, n: f.write(series_lines(n, b, ((0, t) for t in fa.times))))

        def per_reader(fn):
            def each(f, fa, b, n):
                for k, (rid, rname, token) in enumerate(fa.readers):
                    fn(f, fa, b + (("reader_id", rid),), n, k, rname, token)
            return each
        family("cancuoc_reader_info", per_reader(lambda f, fa, b, n, k, rname, token: f.write(series_lines(
            n, b + (("name", rname),), ((1, t) for t in fa.times)))))
        family("cancuoc_reader_present", per_reader(lambda f, fa, b, n, k, rname, token: f.write(series_lines(
            n, b, ((1, t) for t in fa.times)))))
        family("cancuoc_reader_contact_only", per_reader(lambda f, fa, b, n, k, rname, token: f.write(series_lines(
            n, b, ((1 if token else 0, t) for t in fa.times)))))
        family("cancuoc_reader_first_seen_timestamp_seconds", per_reader(
            lambda f, fa, b, n, k, rname, token: f.write(series_lines(n, b, ((fa.first_seen, t) for t in fa.times)))))
        family("cancuoc_reader_last_seen_timestamp_seconds", per_reader(
            lambda f, fa, b, n, k, rname, token: f.write(series_lines(n, b, ((t, t) for t in fa.times)))))
        for name, column in (("cancuoc_reader_last_used_timestamp_seconds", "last_used"),
                             ("cancuoc_reader_last_success_timestamp_seconds", "last_ok")):
            family(name, per_reader(lambda f, fa, b, n, k, rname, token, column=column: k == 0 and f.write(series_lines(
                n, b, ((v, t) for v, t in zip(getattr(fa, column), fa.times) if v is not None)))))

        def reads(f, fa, b, n, k, rname, token):
            for o in OUTCOMES:
                x = USED.index(o) if o in USED else None
                values = (c[x] for c in fa.reads) if k == 0 and x is not None else (0 for _ in fa.times)
                f.write(series_lines(n, b + (("outcome", o),), zip(values, fa.times)))
        family("cancuoc_card_reads_total", per_reader(reads))

        def buckets(f, fa, b, n, k, rname, token):
            for j, le in enumerate(BUCKETS):
                values = (c[j] for c in fa.buckets) if k == 0 else (0 for _ in fa.times)
                f.write(series_lines(n, b + (("le", le),), zip(values, fa.times)))
        family("cancuoc_read_duration_seconds_bucket", per_reader(buckets))
        f.write("# EOF\n")


def recorded_openmetrics(facilities, path, provinces=None):
    """The hourly aggregates cancuoc-recorded.rules.yml records from the raw series above (same
    names, labels and values: last, max and min of each hour (t-1h, t]), for facilities whose raw
    series are not backfilled. With `provinces` (facility id -> province), the label a
    province's remote write adds. One file for all: each promtool run writes a block per 2 hours."""
    with open(path, "w") as f:
        hours = range(START + STEP, END + 1, STEP)
        for province in sorted(set(provinces.values())) if provinces else [None]:
            extra = (("province", province),) if province else ()
            f.write(series_lines("cancuoc:evaluation_timestamp_seconds", extra + (("step_seconds", str(STEP)),),
                                 ((t, t) for t in hours)))
        groups = []
        for fa in facilities:
            # index ranges of the raw samples in each hour
            spans, i = [], 0
            for t in hours:
                j = i
                while j < len(fa.times) and fa.times[j] <= t:
                    j += 1
                if j > i:
                    spans.append((t, i, j))
                i = j
            groups.append((fa, spans))

        def family(name, each):
            for fa, spans in groups:
                base = (("facility", fa.id), ("instance", "127.0.0.1:9100"), ("job", "cancuoc"))
                if provinces:
                    base += (("province", provinces[fa.id]),)
                each(fa, spans, base, name)

        def write(name, labels, pairs):
            f.write(series_lines(name, labels, pairs))
        family("cancuoc:metrics_written_timestamp_seconds:last1h",
               lambda fa, sp, b, n: write(n, b, ((fa.times[j - 1], t) for t, i, j in sp)))
        family("cancuoc:usage_events_lost:last1h", lambda fa, sp, b, n: write(n, b, ((0, t) for t, i, j in sp)))
        for name, value in (("cancuoc:reader_info:last1h", lambda fa, k, j: 1),
                            ("cancuoc:reader_present:last1h", lambda fa, k, j: 1),
                            ("cancuoc:reader_first_seen_timestamp_seconds:last1h", lambda fa, k, j: fa.first_seen),
                            ("cancuoc:reader_last_seen_timestamp_seconds:last1h", lambda fa, k, j: fa.times[j - 1]),
                            ("cancuoc:reader_last_used_timestamp_seconds:last1h",
                             lambda fa, k, j: fa.last_used[j - 1] if k == 0 else None),
                            ("cancuoc:reader_last_success_timestamp_seconds:last1h",
                             lambda fa, k, j: fa.last_ok[j - 1] if k == 0 else None)):
            def each(fa, sp, b, n, value=value, name=name):
                for k, (rid, rname, token) in enumerate(fa.readers):
                    labels = b + (("reader_id", rid),) + ((("name", rname),) if "info" in name else ())
                    write(n, labels, ((v, t) for v, t in ((value(fa, k, j), t) for t, i, j in sp) if v is not None))
            family(name, each)
        # The counters never go down: the hour's highest value is its last sample, the lowest its first.
        for suffix, pick in (("max1h", lambda i, j: j - 1), ("min1h", lambda i, j: i)):
            def reads(fa, sp, b, n, pick=pick):
                for k, (rid, rname, token) in enumerate(fa.readers):
                    for o in OUTCOMES:
                        x = USED.index(o) if o in USED and k == 0 else None
                        write(n, b + (("reader_id", rid), ("outcome", o)),
                              ((fa.reads[pick(i, j)][x] if x is not None else 0, t) for t, i, j in sp))
            family("cancuoc:card_reads:" + suffix, reads)

            def buckets(fa, sp, b, n, pick=pick):
                for k, (rid, rname, token) in enumerate(fa.readers):
                    for q, le in enumerate(BUCKETS):
                        write(n, b + (("reader_id", rid), ("le", le)),
                              ((fa.buckets[pick(i, j)][q] if k == 0 else 0, t) for t, i, j in sp))
            family("cancuoc:read_duration_seconds_bucket:" + suffix, buckets)
        f.write("# EOF\n")


# ---------------------------------------------------------------- processes
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(argv, timeout=3600, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if r.returncode != 0:
        raise SystemExit("prometheus-load: %s: exit %d\n%s%s" % (" ".join(argv[:4]), r.returncode, r.stdout[-2000:],
                                                                 r.stderr[-2000:]))
    return r


def backfill(om, data, label):
    t0 = time.monotonic()
    run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", om, data])
    size = os.path.getsize(om)
    os.remove(om)
    log("%s: %.0f MB of OpenMetrics backfilled in %.0f s" % (label, size / 1e6, time.monotonic() - t0))


class Prometheus:
    def __init__(self, name, data, rules=(), extra=()):
        self.name, self.data = name, data
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        cfg = os.path.join(work, name + ".yml")
        with open(cfg, "w") as f:
            f.write("global:\n  evaluation_interval: 1m\n")
            if rules:
                f.write("rule_files:\n" + "".join("  - %s\n" % r for r in rules))
        logf = open(os.path.join(work, name + ".log"), "w")
        self.p = subprocess.Popen(["prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + data,
                                   "--storage.tsdb.retention.time=400d", "--web.listen-address=127.0.0.1:%d" % self.port,
                                   "--query.timeout=10m", "--query.max-samples=2000000000"] + list(extra),
                                  stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        processes.append(self.p)
        end = time.monotonic() + 600
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except Exception:
                time.sleep(0.5)
        raise SystemExit("prometheus-load: %s did not start" % name)

    def query(self, q, at=None):
        fields = {"query": q}
        if at:
            fields["time"] = str(at)
        data = urllib.parse.urlencode(fields).encode()
        with urllib.request.urlopen(self.url + "/api/v1/query", data=data, timeout=900) as r:
            return json.load(r)["data"]["result"]

    def memory(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            status = dict(line.split(":", 1) for line in f)
        return int(status["VmRSS"].split()[0]) // 1024, int(status["VmHWM"].split()[0]) // 1024

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=120)


def series_count(prom, regex):
    """Series with a sample in the last week of history (the silent facilities stopped 5 days before)."""
    answer = prom.query('count(last_over_time({__name__=~"%s"}[7d]))' % regex, at=END)
    return float(answer[0]["value"][1]) if answer else 0


def registry(path, facilities, province=None):
    with open(path, "w") as f:
        f.write("id,name,district,type,declaredReaderNeed" + (",province\n" if province else "\n"))
        for n, (fa, prov) in enumerate(facilities):
            f.write("%s,Cơ sở %d,Huyện %d,Trạm y tế xã,2%s\n" % (fa, n, n % 11, "," + prov if province else ""))
    return path


def rollup(prom, reg, out, source, at=None):
    """The roll-up as of `at` (default the end of the history)."""
    t0 = time.monotonic()
    r = run([os.path.join(BIN, "cancuoc"), "inventory", "rollup", "--registry", reg, "--prometheus", prom.url,
             "--source", source, "--at", at or str(END), "--timeout", "1800", "--out", out])
    took = time.monotonic() - t0
    with open(os.path.join(out, "inventory-rollup.csv"), encoding="utf-8") as f:
        rows = f.read().splitlines()
    return took, rows, r


def comparable(rows):
    """The CSV without the columns saying where and when the figures came from."""
    import csv
    import io
    out = []
    for r in csv.DictReader(io.StringIO("\n".join(rows))):
        for k in ("report", "reportGeneratedAt", "province", "provinceCode", "formerProvince"):
            r.pop(k, None)
        out.append(r)
    return out


# ---------------------------------------------------------------- scenarios
def scenario_province():
    log("province: %d facilities x %d days, raw samples every %d s while the PC is on" % (PROVINCE, DAYS, RAW_INTERVAL))
    t0 = time.monotonic()
    facilities = [Facility(fid("DN", i), i, RAW_INTERVAL) for i in range(1, PROVINCE + 1)]
    data = os.path.join(work, "province-data")
    om = os.path.join(work, "province-raw.om")
    raw_openmetrics(facilities, om)
    samples = sum(len(fa.times) for fa in facilities)
    log("province: %d raw samples per series on average, generated in %.0f s" % (samples // len(facilities),
                                                                              time.monotonic() - t0))
    backfill(om, data, "province raw")
    prom = Prometheus("province", data, rules=[os.path.join(CONTRIB, "cancuoc-alerts.rules.yml")])
    series = series_count(prom, "cancuoc_.+")
    # The recorded aggregates, by Prometheus's own rule backfill over the raw series, with the
    # province label the province's remote write adds for the national Prometheus (once, for
    # both: on the province's own Prometheus the roll-up reads them as one group all the same).
    t1 = time.monotonic()
    import yaml
    labelled = os.path.join(work, "province-recorded.labelled.yml")
    with open(os.path.join(CONTRIB, "cancuoc-recorded.rules.yml")) as f:
        rules = yaml.safe_load(f)
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule.setdefault("labels", {})["province"] = "Đồng Nai"
    with open(labelled, "w") as f:
        yaml.safe_dump(rules, f, allow_unicode=True)
    nat_rec = os.path.join(work, "province-recorded-national")
    run(["promtool", "tsdb", "create-blocks-from", "rules", "--start", str(START), "--end", str(END), "--url", prom.url,
         "--output-dir", nat_rec, "--eval-interval", "%ds" % STEP, labelled])
    rec = os.path.join(work, "province-recorded")
    shutil.copytree(nat_rec, rec)
    log("province: recorded aggregates backfilled by promtool from the raw series in %.0f s" % (time.monotonic() - t1))
    # Alerts: the live Prometheus evaluates them every minute; wait for one evaluation.
    silent = {fa.id for fa in facilities if fa.silent}
    failing = {fa.id for fa in facilities if fa.failing}
    fired = {}
    end = time.monotonic() + 300
    while time.monotonic() < end:
        with urllib.request.urlopen(prom.url + "/api/v1/alerts", timeout=60) as r:
            alerts = json.load(r)["data"]["alerts"]
        fired = {}
        for a in alerts:
            fired.setdefault(a["labels"]["alertname"], set()).add(a["labels"].get("facility"))
        if fired.get("CancuocFacilityNotReporting") and fired.get("CancuocReadFailureRateHigh"):
            break
        time.sleep(5)
    not_reporting = fired.get("CancuocFacilityNotReporting", set())
    failure = fired.get("CancuocReadFailureRateHigh", set())
    alerts_ok = not_reporting == silent and failure == failing
    log("alerts: not reporting %d (expected %d), failure rate high %d (expected %d): %s" % (
        len(not_reporting), len(silent), len(failure), len(failing), "as expected" if alerts_ok else "DIFFERENT"))
    prom.stop()
    for block in os.listdir(rec):
        shutil.move(os.path.join(rec, block), os.path.join(data, block))
    prom = Prometheus("province", data)
    reg = registry(os.path.join(work, "province.csv"), [(fa.id, None) for fa in facilities])
    rec_s, rec_rows, rr = rollup(prom, reg, os.path.join(work, "rollup-recorded"), "recorded")
    # The raw roll-up at the instant the recorded one was evaluated (promtool's last evaluation).
    at = re.search(r"Source: recorded aggregates \(step \d+ s\) at (\S+)", rr.stderr).group(1)
    raw_s, raw_rows, _ = rollup(prom, reg, os.path.join(work, "rollup-raw"), "raw", at=at)
    log("province: both roll-ups evaluated at %s" % at)
    same = comparable(raw_rows) == comparable(rec_rows)
    reporting = sum(1 for r in comparable(rec_rows) if r["reported"] == "1")
    rss, peak = prom.memory()
    prom.stop()
    factor = SCRAPE and RAW_INTERVAL / SCRAPE
    log("province: %d raw series; raw roll-up %.1f s, recorded %.1f s (%.0fx); CSVs %s; %d facilities reporting; "
        "Prometheus %d MiB (peak %d)" % (series, raw_s, rec_s, raw_s / rec_s, "equal" if same else "DIFFERENT",
                                          reporting, rss, peak))
    results.append("province %d facilities: roll-up %.1f s (raw %.1f s from %d-min samples, about %.0f s at the "
                   "1-min scrape)%s%s" % (PROVINCE, rec_s, raw_s, RAW_INTERVAL // 60, raw_s * factor,
                                          "" if same else " CSV DIFFERENT", "" if alerts_ok else " ALERTS DIFFERENT"))
    return facilities, nat_rec, rec_rows


def scenario_thousand():
    log("thousand: %d facilities x %d days, recorded aggregates only" % (THOUSAND, DAYS))
    t0 = time.monotonic()
    facilities = [Facility(fid("TH", i), i, SYNTH) for i in range(1, THOUSAND + 1)]
    data = os.path.join(work, "thousand-data")
    om = os.path.join(work, "thousand.om")
    recorded_openmetrics(facilities, om)
    log("thousand: generated in %.0f s" % (time.monotonic() - t0))
    backfill(om, data, "thousand recorded")
    prom = Prometheus("thousand", data)
    series = series_count(prom, "cancuoc:.+")
    reg = registry(os.path.join(work, "thousand.csv"), [(fa.id, None) for fa in facilities])
    took, rows, _ = rollup(prom, reg, os.path.join(work, "rollup-thousand"), "auto")
    reporting = sum(1 for r in comparable(rows) if r["reported"] == "1")
    rss, peak = prom.memory()
    prom.stop()
    log("thousand: %d recorded series; roll-up %.1f s; %d facilities reporting; Prometheus %d MiB (peak %d)" % (
        series, took, reporting, rss, peak))
    results.append("%d facilities: roll-up %.1f s (recorded)" % (THOUSAND, took))


def scenario_country(province):
    log("country: %d facilities over %d provinces, recorded aggregates only, on one national Prometheus" % (
        COUNTRY, PROVINCES))
    t0 = time.monotonic()
    data = os.path.join(work, "national-data")
    os.makedirs(data)
    names = ["Đồng Nai"] + ["Tỉnh %02d" % p for p in range(2, PROVINCES + 1)]
    facilities = []  # (id, province)
    first = 0
    if province:
        dn, nat_rec, dn_rows = province
        for block in os.listdir(nat_rec):
            shutil.move(os.path.join(nat_rec, block), os.path.join(data, block))
        facilities += [(fa.id, "Đồng Nai") for fa in dn]
        first = 1
    rest = COUNTRY - len(facilities)
    per = [rest // (PROVINCES - first) + (1 if p < rest % (PROVINCES - first) else 0) for p in range(PROVINCES - first)]
    seed = 100000
    batch, provinces = [], {}
    for p, n in zip(names[first:], per):
        for i in range(1, n + 1):
            fa = Facility(fid("P%02d" % names.index(p), i), seed + i, SYNTH)
            batch.append(fa)
            provinces[fa.id] = p
            facilities.append((fa.id, p))
        seed += n
    om = os.path.join(work, "national.om")
    recorded_openmetrics(batch, om, provinces=provinces)
    log("country: %d facilities of %d provinces generated in %.0f s" % (len(batch), PROVINCES - first,
                                                                    time.monotonic() - t0))
    backfill(om, data, "country (%d facilities)" % len(batch))
    del batch
    log("country: backfilled in %.0f s" % (time.monotonic() - t0))
    prom = Prometheus("national", data)
    series = series_count(prom, "cancuoc:.+")
    per_day = float("nan")
    if province:  # samples a day the province sends (the last week, its PCs on a third of it)
        names_ = [s["metric"]["__name__"] for s in prom.query(
            'count by (__name__) (last_over_time({__name__=~"cancuoc:.+",province="Đồng Nai"}[7d]))', at=END)]
        per_day = sum(float(prom.query('sum(count_over_time(%s{province="Đồng Nai"}[7d]))' % n, at=END)[0]["value"][1])
                      for n in names_) / 7
    reg = registry(os.path.join(work, "national.csv"), facilities, province=True)
    took, rows, r = rollup(prom, reg, os.path.join(work, "rollup-national"), "auto")
    rss, peak = prom.memory()
    prom.stop()
    size = int(subprocess.run(["du", "-sb", data], capture_output=True, text=True).stdout.split()[0])
    provinces_in_table = sum(1 for line in r.stdout.splitlines() if any(n in line for n in names[:3]))
    same = None
    if province:
        mine = [x for x in comparable(rows) if x["facilityId"].startswith("DN-")]
        same = mine == comparable(dn_rows)
    log("country: %d recorded series; national roll-up %.1f s; Prometheus %d MiB (peak %d), %d MB on disk; "
        "Đồng Nai sends %.0f samples a day%s" % (series, took, rss, peak, size / 1e6, per_day,
                                                 "" if same is None else "; its rows equal its own roll-up: %s" % same))
    results.append("country %d facilities: roll-up %.1f s (%d provinces, %d series, Prometheus peak %d MiB)%s" % (
        COUNTRY, took, PROVINCES, series, peak, "" if same is not False else " PROVINCE ROWS DIFFERENT"))
    del provinces_in_table


def main():
    log("end of history %s UTC, %d days; scenarios %s" % (time.strftime("%Y-%m-%d %H:%M", time.gmtime(END)), DAYS,
                                                           ",".join(SCENARIOS)))
    province = scenario_province() if "province" in SCENARIOS else None
    if "thousand" in SCENARIOS:
        scenario_thousand()
    if "country" in SCENARIOS:
        scenario_country(province)
    for line in results:
        log(line)
    return 0


if __name__ == "__main__":
    status = 1
    try:
        status = main()
    finally:
        for p in reversed(processes):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(processes):
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        if ENV("KEEP_WORK"):
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(status)
