#!/usr/bin/env python3
"""The inventory at the country's scale (docs/inventory.md), measured on a month of backfilled history.
A measurement, not a test (make prometheus-load); all on loopback.

Synthetic facilities, each with two chip-ID readers (the second one idle), one in ten with a
signature token as well. The clinic PCs are on about a third of the week (Monday to Friday
07:00-17:00 and Saturday 07:00-13:00, Vietnam time: 56 of 168 hours) and send figures only
then. A few facilities fall silent 5 days before the end, a few fail most of their reads in
the last day: the alerts must fire for them.

Scenarios (PROMETHEUS_LOAD_SCENARIOS, default "province,thousand,country"):
- province: PROMETHEUS_LOAD_PROVINCE facilities (129) x PROMETHEUS_LOAD_DAYS days (35) of
  Đồng Nai, end to end. The raw series are backfilled with `promtool tsdb create-blocks-from
  openmetrics` (one sample every PROMETHEUS_LOAD_RAW_INTERVAL seconds while the PC is on,
  default 300: see below), the recorded aggregates with `promtool tsdb create-blocks-from rules`
  over them (contrib/prometheus/cancuoc-recorded.rules.yml, with the `province` label the
  province's remote write adds), then, once Prometheus has compacted the blocks, `cancuoc
  inventory rollup --prometheus` is timed with --source recorded and --source raw at the same
  instant and the two CSVs compared. The alerts of cancuoc-alerts.rules.yml are evaluated by the
  live Prometheus and must fire for the silent and the failing facilities.
- thousand: PROMETHEUS_LOAD_THOUSAND facilities (1000): hourly aggregates only, simulated
  directly (HourlyFacility: same names, labels and zero filter as the rules), backfilled; the
  recorded roll-up timed.
- country: PROMETHEUS_LOAD_COUNTRY facilities (12455) over PROMETHEUS_LOAD_PROVINCES provinces
  (34, their names from AdminUnits) on one national Prometheus holding only recorded aggregates
  with a `province` label. PROMETHEUS_LOAD_END_TO_END provinces (2: Tây Ninh, Huế) of
  PROMETHEUS_LOAD_END_TO_END_SIZE facilities (20) go end to end like the province scenario (raw
  -> promtool's rule backfill -> their own roll-up), and Đồng Nai too when the province scenario
  runs: their recorded blocks are moved into the national Prometheus (what their remote write
  would have sent). The other facilities' hourly aggregates are simulated and backfilled a
  province at a time. What is simulated: the remote write itself (the three-clinic test,
  scripts/prometheus_test.py, sends through it; its bytes per sample are measured there), and
  the synthetic provinces' aggregates (written as the rules would record them, not by the rules).
  Then the national roll-up is timed, the national Prometheus's series and memory read, and each
  end-to-end province's rows of the national table compared with its own roll-up.

promtool writes blocks of 2 hours by default and its OpenMetrics import reads the whole input
once per block (420 times for 35 days); BLOCK below makes it one or two blocks. Prometheus
then merges the overlapping backfilled blocks at its first compaction: Prometheus.settle waits
for that before anything is timed. PROMETHEUS_LOAD_LOCK (a path, e.g. /tmp/cancuoc-heavy.lock)
is taken around the timed roll-ups only, so that the long backfill runs niced beside other work.

Why the raw samples are every 5 minutes and not every minute (the shipped scrape interval): a
minute's samples of 129 facilities over 35 days are 130 million, which alone would take the
generation most of an hour here. The raw roll-up reads every sample of its windows, so at one
a minute it reads 5 times what is measured here: the line gives both (the second extrapolated).

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
EXTRA = int(ENV("PROMETHEUS_LOAD_END_TO_END", "2"))  # provinces end to end beside the province scenario's
EXTRA_SIZE = int(ENV("PROMETHEUS_LOAD_END_TO_END_SIZE", "20"))
END_TO_END = [("Tây Ninh", "TN"), ("Huế", "HU")]
LOCK = ENV("PROMETHEUS_LOAD_LOCK")
STEP = 3600  # the recorded aggregates' step (cancuoc-recorded.rules.yml)
SCRAPE = 60  # the shipped scrape interval (clinic-agent.yml)
SYNTH = 1200  # the clinics' sample interval simulated under the directly written hourly aggregates
# promtool writes blocks of 2 hours unless told otherwise (its flag --max-block-duration, hidden
# in 2.42, rounded down to 2h x 3^k): 420 blocks for 35 days, and its OpenMetrics import reads
# the whole input once per block. 1458 h (2h x 3^6, 60.75 days) puts the whole history in one
# or two blocks: the input read two or three times, and Prometheus opens two blocks, not 840.
BLOCK = "1458h"

# The 34 provinces since 1 July 2025, from AdminUnits' list (the one source of the names),
# without "Tỉnh " / "Thành phố " as a province's Prometheus labels itself.
with open(os.path.join(ROOT, "Sources", "AdminUnits", "Data", "List202507.swift"), encoding="utf-8") as f:
    OFFICIAL = {re.sub(r"^(Tỉnh|Thành phố) ", "", m): m for m in re.findall(r"(?m)^P\t\d+\t(.+)$", f.read())}
CURRENT_PROVINCES = list(OFFICIAL)  # the registry writes the official name (OFFICIAL[name])
with open(os.path.join(ROOT, "Sources", "CardService", "ReadFailure.swift")) as f:
    # The cases up to the first blank line (the enum's members follow).
    kinds = re.search(r"enum Kind: String, CaseIterable, Sendable \{\s*case ([^\n]*(?:\n[^\n]+)*)", f.read()).group(1)
OUTCOMES = ["ok"] + [k.strip().strip("`") for k in kinds.replace("case", ",").split(",") if k.strip()] + ["other"]
USED = OUTCOMES[:5]  # ok and the four failures the synthetic readers have
# Face check decisions (docs/face-check.md; FaceCheckEvent.storedDecisions): every one from 0.
DECISIONS = ["match", "noMatch", "uncertain", "noFace", "multipleFaces", "faceTooSmall", "notLive", "unavailable",
             "declined", "other"]
CRL_EVERY, CRL_VALID = 30 * 86400, 40 * 86400  # the CSCA issues a CRL every 30 days, valid 40
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
        # Trust (docs/fleet.md): a clinic whose CRL timer broke keeps its first CRL (expired and
        # behind at the end); every third clinic took version 2 of the trust package halfway; every
        # fifth uses the face check (its counters exist from the start, at 0).
        self.seed = seed
        self.stale_trust = seed % 40 == 21
        self.face = seed % 5 == 0
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

        def faces(f, fa, b, n, k, rname, token):
            if not fa.face or token:
                return
            for d in DECISIONS:  # about one check per two successful reads of the first reader
                counts = ((c[0] // 2 if d == "match" else c[0] // 40 if d == "noMatch" else 0) if k == 0 else 0
                          for c in fa.reads)
                f.write(series_lines(n, b + (("decision", d),), zip(counts, fa.times)))
        family("cancuoc_face_checks_total", per_reader(faces))
        family("cancuoc_trust_cscas", lambda f, fa, b, n: f.write(series_lines(n, b, ((1, t) for t in fa.times))))
        family("cancuoc_trust_crl_issued_timestamp_seconds",
               lambda f, fa, b, n: f.write(series_lines(n, b, ((crl_issued(fa, t), t) for t in fa.times))))
        family("cancuoc_trust_crl_next_update_timestamp_seconds", lambda f, fa, b, n: f.write(
            series_lines(n, b, ((crl_issued(fa, t) + CRL_VALID, t) for t in fa.times))))

        def packages(f, fa, b, n):
            half = START + DAYS * 86400 // 2
            two = fa.seed % 3 == 0
            p = b + (("package", "cancuoc-trust-dongnai"),)
            f.write(series_lines(n, p + (("version", "1"),), ((1, t) for t in fa.times if not two or t < half)))
            if two:
                f.write(series_lines(n, p + (("version", "2"),), ((1, t) for t in fa.times if t >= half)))
        family("cancuoc_trust_package_info", packages)
        f.write("# EOF\n")


def crl_issued(fa, t):
    """The newest CRL a clinic holds at t: the CSCA's latest (every CRL_EVERY from 20 days before
    the history, at noon: the CRL's age in whole days is the same at the raw and the recorded
    roll-up's instants, which differ by less than an hour), or its first one forever when its timer broke."""
    base = START - 20 * 86400 - 43200
    return base if fa.stale_trust else base + (t - base) // CRL_EVERY * CRL_EVERY


class HourlyFacility:
    """A facility whose raw series are not backfilled (thousand, country): its hourly aggregates
    simulated directly, an hour at a time, as cancuoc-recorded.rules.yml would record them from
    a clinic sampled every SYNTH seconds (the same PCs, readers, silent and failing facilities as
    Facility). Per recorded hour t: the time of the hour's last sample, and each counter's value
    at the hour's last sample (max1h) and first sample (min1h)."""

    def __init__(self, facility, seed):
        self.id = facility
        rng = random.Random(seed)
        self.silent, self.failing = seed % 40 == 7, seed % 40 == 13
        self.readers = [("072F:2200:%06d" % seed, "ACS ACR1252 Dual Reader PICC 00 00", False),
                        ("072F:2200:%06d-2" % seed, "ACS ACR1252 Dual Reader PICC 01 00", False)]
        if seed % 10 == 0:
            self.readers.append(("096E:0807:%06d" % seed, "Feitian ePass2003 00 00", True))
        self.first_seen = START - rng.randrange(86400, 200 * 86400)
        offset = rng.randrange(SYNTH)
        stop = END - 5 * 86400 if self.silent else END
        counts, buckets = [0] * len(USED), [0] * len(BUCKETS)
        used = ok_at = None
        self.hours = []  # (t, last sample, reads max, reads min, buckets max, buckets min, last used, last ok)
        for t in range(START + STEP, stop + 1, STEP):
            if not on(t - STEP // 2, self.failing):
                continue
            last = t - (t - START - offset) % SYNTH
            n = max(0, int(rng.gauss(20, 4.5) + 0.5))  # about 20 reads an open hour
            bad = 0.8 if (self.failing and t > END - 86400) else 0.1
            k = min(n, max(0, int(rng.gauss(n * bad, (n * bad * (1 - bad)) ** 0.5) + 0.5)))
            hour = [n - k] + [0] * (len(USED) - 1)
            for _ in range(k):
                hour[1 + rng.randrange(len(USED) - 1)] += 1
            # The first of the hour's 3 samples has seen about a third of its reads.
            low = tuple(c + h // 3 for c, h in zip(counts, hour))
            counts = [c + h for c, h in zip(counts, hour)]
            # Successful reads' times 0.3, 0.4, 0.4, 0.7, 1.5 s: buckets 0.5 (3/5), 1 (4/5), 2 and up (all).
            ok = hour[0]
            fast = min(ok, max(0, int(rng.gauss(ok * 0.6, (ok * 0.24) ** 0.5) + 0.5)))
            mid = min(ok - fast, max(0, int(rng.gauss(ok * 0.2, (ok * 0.16) ** 0.5) + 0.5)))
            add = [0, 0, fast, fast + mid, ok, ok, ok, ok]
            low_b = tuple(b + a // 3 for b, a in zip(buckets, add))
            buckets = [b + a for b, a in zip(buckets, add)]
            if n:
                used = last
            if ok:
                ok_at = last
            self.hours.append((t, last, tuple(counts), low, tuple(buckets), low_b, used, ok_at))


def recorded_openmetrics(facilities, path, provinces=None, progress=None):
    """The hourly aggregates of `facilities` (HourlyFacility, any iterable: written one facility
    at a time, so the country never sits in memory) with the names and labels the rules record.
    With `provinces` (facility id -> province), the label a province's remote write adds. Only
    the hours where a counter is above zero, and a reader's histogram only where it has a
    successful read, as the rules keep them. Returns the number of samples written."""
    written = 0
    with open(path, "w") as f:
        def write(name, labels, pairs):
            nonlocal written
            prefix = "%s{%s} " % (name, ",".join('%s="%s"' % kv for kv in labels))
            lines = [f"{prefix}{v} {t}\n" for v, t in pairs]
            written += len(lines)
            f.write("".join(lines))
        hours = range(START + STEP, END + 1, STEP)
        for province in sorted(set(provinces.values())) if provinces else [None]:
            extra = (("province", province),) if province else ()
            write("cancuoc:evaluation_timestamp_seconds", extra + (("step_seconds", str(STEP)),), ((t, t) for t in hours))
        for n, fa in enumerate(facilities):
            if progress and n % 1000 == 0:
                progress(n)
            h = fa.hours
            b = (("facility", fa.id), ("instance", "127.0.0.1:9100"), ("job", "cancuoc"))
            if provinces:
                b += (("province", provinces[fa.id]),)
            write("cancuoc:metrics_written_timestamp_seconds:last1h", b, ((x[1], x[0]) for x in h))
            write("cancuoc:usage_events_lost:last1h", b, ((0, x[0]) for x in h))
            for k, (rid, rname, token) in enumerate(fa.readers):
                r = b + (("reader_id", rid),)
                write("cancuoc:reader_info:last1h", r + (("name", rname),), ((1, x[0]) for x in h))
                write("cancuoc:reader_present:last1h", r, ((1, x[0]) for x in h))
                write("cancuoc:reader_first_seen_timestamp_seconds:last1h", r, ((fa.first_seen, x[0]) for x in h))
                write("cancuoc:reader_last_seen_timestamp_seconds:last1h", r, ((x[1], x[0]) for x in h))
                if k:
                    continue  # only the first reader reads
                write("cancuoc:reader_last_used_timestamp_seconds:last1h", r,
                      ((x[6], x[0]) for x in h if x[6] is not None))
                write("cancuoc:reader_last_success_timestamp_seconds:last1h", r,
                      ((x[7], x[0]) for x in h if x[7] is not None))
                for q, o in enumerate(USED):
                    ro = r + (("outcome", o),)
                    write("cancuoc:card_reads:max1h", ro, ((x[2][q], x[0]) for x in h if x[2][q] > 0))
                    write("cancuoc:card_reads:min1h", ro, ((x[3][q], x[0]) for x in h if x[2][q] > 0))
                for q, le in enumerate(BUCKETS):
                    rl = r + (("le", le),)
                    write("cancuoc:read_duration_seconds_bucket:max1h", rl, ((x[4][q], x[0]) for x in h if x[4][-1] > 0))
                    write("cancuoc:read_duration_seconds_bucket:min1h", rl, ((x[5][q], x[0]) for x in h if x[4][-1] > 0))
        f.write("# EOF\n")
    return written


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
    run(["promtool", "tsdb", "create-blocks-from", "--max-block-duration=" + BLOCK, "openmetrics", "-q", om, data])
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

    def metrics(self):
        """Prometheus's own metrics (/metrics), name -> value (the last of each name)."""
        with urllib.request.urlopen(self.url + "/metrics", timeout=60) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                try:
                    out[name] = float(value)
                except ValueError:
                    pass
        return out

    def settle(self, limit=1800):
        """Waits until Prometheus has compacted what it will, so that no query is timed while it
        merges the backfilled blocks (overlapping raw and recorded blocks are merged at its first
        compaction, a minute after the start): two compaction cycles begun, then a whole cycle
        (70 s) with the blocks and the compactions unchanged. Returns (blocks, seconds)."""
        t0 = time.monotonic()
        last, since = None, time.monotonic()
        while time.monotonic() - t0 < limit:
            m = self.metrics()
            now = (m.get("prometheus_tsdb_blocks_loaded"), m.get("prometheus_tsdb_compactions_total"),
                   m.get("prometheus_tsdb_vertical_compactions_total"))
            if now != last:
                last, since = now, time.monotonic()
            if m.get("prometheus_tsdb_compactions_triggered_total", 0) >= 2 and time.monotonic() - since >= 70:
                break
            time.sleep(5)
        blocks = int(last[0] or 0)
        log("%s: %d blocks after compaction (waited %.0f s)" % (self.name, blocks, time.monotonic() - t0))
        return blocks, time.monotonic() - t0

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
        for fa, prov in facilities:  # the same row for a facility in its province's and the national registry
            n = int(fa.rsplit("-", 1)[1])
            f.write("%s,Cơ sở %s,Huyện %d,Trạm y tế xã,2%s\n" % (fa, fa, n % 11, "," + OFFICIAL[prov] if province else ""))
    return path


def disk(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])


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
def end_to_end(name, prefix, count, seed0, measure):
    """One province raw -> recorded: its facilities' raw series backfilled (promtool, OpenMetrics),
    its recorded aggregates made by promtool's rule backfill from them through its Prometheus
    (with the `province` label its remote write adds), its own roll-up from them. With
    `measure` (the province scenario): the alerts checked, and the raw and recorded roll-ups
    timed side by side. Returns (facility ids, its recorded blocks for the nation, its roll-up rows)."""
    label = "province %s" % name if not measure else "province"
    log("%s: %d facilities x %d days, raw samples every %d s while the PC is on" % (label, count, DAYS, RAW_INTERVAL))
    t0 = time.monotonic()
    facilities = [Facility(fid(prefix, i), seed0 + i, RAW_INTERVAL) for i in range(1, count + 1)]
    data = os.path.join(work, prefix + "-data")
    om = os.path.join(work, prefix + "-raw.om")
    raw_openmetrics(facilities, om)
    samples = sum(len(fa.times) for fa in facilities)
    with open(om) as f:
        raw_samples = sum(1 for _ in f) - 1
    log("%s: %d raw samples (%d per series on average), generated in %.0f s" % (
        label, raw_samples, samples // len(facilities), time.monotonic() - t0))
    backfill(om, data, label + " raw")
    prom = Prometheus(prefix, data, rules=[os.path.join(CONTRIB, "cancuoc-alerts.rules.yml")] if measure else [])
    series = series_count(prom, "cancuoc_.+")
    # The recorded aggregates, by Prometheus's own rule backfill over the raw series, with the
    # province label the province's remote write adds for the national Prometheus (once, for
    # both: on the province's own Prometheus the roll-up reads them as one group all the same).
    t1 = time.monotonic()
    import yaml
    labelled = os.path.join(work, prefix + "-recorded.labelled.yml")
    with open(os.path.join(CONTRIB, "cancuoc-recorded.rules.yml")) as f:
        rules = yaml.safe_load(f)
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule.setdefault("labels", {})["province"] = name
    with open(labelled, "w") as f:
        yaml.safe_dump(rules, f, allow_unicode=True)
    nat_rec = os.path.join(work, prefix + "-recorded-national")
    run(["promtool", "tsdb", "create-blocks-from", "--max-block-duration=" + BLOCK, "rules", "--start", str(START),
         "--end", str(END), "--url", prom.url, "--output-dir", nat_rec, "--eval-interval", "%ds" % STEP, labelled])
    rec = os.path.join(work, prefix + "-recorded")
    shutil.copytree(nat_rec, rec)
    log("%s: recorded aggregates backfilled by promtool from the raw series in %.0f s" % (label, time.monotonic() - t1))
    alerts_ok = True
    if measure:  # the live Prometheus evaluates the alerts every minute; wait for one evaluation
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
            if all(fired.get(a) for a in ("CancuocFacilityNotReporting", "CancuocReadFailureRateHigh",
                                          "CancuocCRLExpired", "CancuocCRLBehind")):
                break
            time.sleep(5)
        not_reporting = fired.get("CancuocFacilityNotReporting", set())
        failure = fired.get("CancuocReadFailureRateHigh", set())
        stale = {fa.id for fa in facilities if fa.stale_trust}
        expired, behind = fired.get("CancuocCRLExpired", set()), fired.get("CancuocCRLBehind", set())
        alerts_ok = not_reporting == silent and failure == failing and expired == stale and behind == stale \
            and not fired.get("CancuocCRLMissing")
        log("alerts: not reporting %d (expected %d), failure rate high %d (expected %d), CRL expired %d and behind %d "
            "(expected %d): %s" % (len(not_reporting), len(silent), len(failure), len(failing), len(expired),
                                  len(behind), len(stale), "as expected" if alerts_ok else "DIFFERENT"))
    prom.stop()
    for block in os.listdir(rec):
        shutil.move(os.path.join(rec, block), os.path.join(data, block))
    prom = Prometheus(prefix, data)
    reg = registry(os.path.join(work, prefix + ".csv"), [(fa.id, None) for fa in facilities])
    if not measure:
        _, rec_rows, _ = rollup(prom, reg, os.path.join(work, prefix + "-rollup-recorded"), "recorded")
        prom.stop()
        log("%s: its own roll-up from its recorded aggregates done" % label)
        return [fa.id for fa in facilities], nat_rec, rec_rows
    blocks, _ = prom.settle()
    recorded_series = series_count(prom, "cancuoc:.+")
    with heavy_lock():
        rec_s, rec_rows, rr = rollup(prom, reg, os.path.join(work, "rollup-recorded"), "recorded")
        # The raw roll-up at the instant the recorded one was evaluated (promtool's last
        # evaluation), to the millisecond: the line on stderr says it to the second, and a raw
        # sample on the second the window starts would be in one window and not the other.
        at = prom.query("max(last_over_time(%s[%dd]))" % ("cancuoc:evaluation_timestamp_seconds", DAYS), at=END)
        at = at[0]["value"][1]
        raw_s, raw_rows, _ = rollup(prom, reg, os.path.join(work, "rollup-raw"), "raw", at=at)
        # Again, the recorded one after the raw one (the blocks in the page cache both times).
        rec2_s, _, _ = rollup(prom, reg, os.path.join(work, "rollup-recorded-2"), "recorded")
    log("province: both roll-ups evaluated at %s; recorded again: %.2f s" % (at, rec2_s))
    same = comparable(raw_rows) == comparable(rec_rows)
    reporting = sum(1 for r in comparable(rec_rows) if r["reported"] == "1")
    # Which clinics are current: the broken timers' CRLs are expired in the roll-up, the others
    # current; the greater package version and the face checks are there.
    rows = comparable(rec_rows)
    expired_rows = {r["facilityId"] for r in rows if r["crlState"] == "expired"}
    stale = {fa.id for fa in facilities if fa.stale_trust}
    upgraded = sum(1 for r in rows if r["trustPackages"] == "cancuoc-trust-dongnai=2")
    faces = sum(1 for r in rows if int(r["faceChecks30d"] or 0) > 0)
    trust_ok = expired_rows == stale and upgraded == sum(1 for fa in facilities if fa.seed % 3 == 0) \
        and faces == sum(1 for fa in facilities if fa.face)
    log("province: CRL expired at %d facilities (expected %d), package version 2 at %d, face checks at %d: %s" % (
        len(expired_rows), len(stale), upgraded, faces, "as expected" if trust_ok else "DIFFERENT"))
    alerts_ok = alerts_ok and trust_ok
    rss, peak = prom.memory()
    prom.stop()
    factor = SCRAPE and RAW_INTERVAL / SCRAPE
    size = disk(data)
    log("province: %d raw series (%d samples), %d recorded series, %d blocks, %.0f MB on disk; raw roll-up %.2f s, "
        "recorded %.2f s (%.0fx); CSVs %s; %d facilities reporting; Prometheus %d MiB (peak %d)" % (
            series, raw_samples, recorded_series, blocks, size / 1e6, raw_s, rec_s, raw_s / rec_s,
            "equal" if same else "DIFFERENT", reporting, rss, peak))
    at_scrape = "" if RAW_INTERVAL == SCRAPE else "; about %.0f s at the 1-min scrape, extrapolated" % (raw_s * factor)
    results.append("province %d facilities: roll-up %.2f s (raw %.1f s from %d-min samples, %.0fx%s; %d raw and %d "
                   "recorded series)%s%s" % (
                       count, rec_s, raw_s, RAW_INTERVAL // 60, raw_s / rec_s, at_scrape, series,
                       recorded_series, "" if same else " CSV DIFFERENT", "" if alerts_ok else " ALERTS DIFFERENT"))
    return [fa.id for fa in facilities], nat_rec, rec_rows


class heavy_lock:
    """The machine's shared lock for heavy runs (PROMETHEUS_LOAD_LOCK, a path; none by default):
    held only around the timed roll-ups, so that the long backfill runs beside the others'
    work (niced) and the timed queries alone."""

    def __enter__(self):
        self.f = None
        if LOCK:
            import fcntl
            self.f = open(LOCK, "a")
            t0 = time.monotonic()
            fcntl.flock(self.f, fcntl.LOCK_EX)
            log("lock %s taken after %.0f s" % (LOCK, time.monotonic() - t0))

    def __exit__(self, *exc):
        if self.f:
            self.f.close()


def scenario_thousand():
    log("thousand: %d facilities x %d days, recorded aggregates only" % (THOUSAND, DAYS))
    t0 = time.monotonic()
    facilities = [HourlyFacility(fid("TH", i), i) for i in range(1, THOUSAND + 1)]
    data = os.path.join(work, "thousand-data")
    om = os.path.join(work, "thousand.om")
    samples = recorded_openmetrics(facilities, om)
    log("thousand: %d samples generated in %.0f s" % (samples, time.monotonic() - t0))
    t1 = time.monotonic()
    backfill(om, data, "thousand recorded")
    filled = time.monotonic() - t1
    prom = Prometheus("thousand", data)
    prom.settle()
    series = series_count(prom, "cancuoc:.+")
    reg = registry(os.path.join(work, "thousand.csv"), [(fa.id, None) for fa in facilities])
    took, rows, _ = rollup(prom, reg, os.path.join(work, "rollup-thousand"), "auto")
    reporting = sum(1 for r in comparable(rows) if r["reported"] == "1")
    rss, peak = prom.memory()
    prom.stop()
    size = disk(data)
    log("thousand: %d recorded series, %d samples, %.0f MB on disk, backfilled in %.0f s; roll-up %.1f s; "
        "%d facilities reporting; Prometheus %d MiB (peak %d)" % (series, samples, size / 1e6, filled, took, reporting,
                                                                  rss, peak))
    results.append("%d facilities: roll-up %.1f s (recorded; %d series, %.1f M samples, %.0f MB, Prometheus peak %d MiB)"
                   % (THOUSAND, took, series, samples / 1e6, size / 1e6, peak))


def scenario_country(ends):
    """`ends`: the provinces that went end to end, [(name, facility ids, recorded blocks, own rows)]."""
    log("country: %d facilities over %d provinces, recorded aggregates only, on one national Prometheus" % (
        COUNTRY, PROVINCES))
    t0 = time.monotonic()
    data = os.path.join(work, "national-data")
    os.makedirs(data)
    done = [e[0] for e in ends]
    names = (done + [n for n in CURRENT_PROVINCES if n not in done])[:PROVINCES]
    facilities = []  # (id, province)
    for name, ids, nat_rec, rows in ends:
        for block in os.listdir(nat_rec):
            shutil.move(os.path.join(nat_rec, block), os.path.join(data, block))
        facilities += [(f, name) for f in ids]
    first = len(ends)
    rest = COUNTRY - len(facilities)
    per = [rest // (PROVINCES - first) + (1 if p < rest % (PROVINCES - first) else 0) for p in range(PROVINCES - first)]
    seed = 100000
    made, provinces = [], {}  # (id, seed), id -> province
    for p, n in zip(names[first:], per):
        for i in range(1, n + 1):
            made.append((fid("P%02d" % names.index(p), i), seed + i))
            provinces[made[-1][0]] = p
            facilities.append((made[-1][0], p))
        seed += n
    # A province at a time (its OpenMetrics file, about 0.7 GB, then its block): the disk never
    # holds the country's 23 GB of text. Prometheus merges the overlapping blocks (settle).
    samples = om_bytes = 0
    om = os.path.join(work, "national.om")
    for p in names[first:]:
        mine = [(f, sd) for f, sd in made if provinces[f] == p]
        samples += recorded_openmetrics((HourlyFacility(f, sd) for f, sd in mine), om,
                                        provinces={f: p for f, sd in mine})
        om_bytes += os.path.getsize(om)
        backfill(om, data, "country: %s (%d facilities)" % (p, len(mine)))
    log("country: %d facilities of %d provinces, %d samples (%.1f GB of OpenMetrics) generated and backfilled in "
        "%.0f s" % (len(made), PROVINCES - first, samples, om_bytes / 1e9, time.monotonic() - t0))
    prom = Prometheus("national", data)
    blocks, settled = prom.settle(limit=3600)
    series = series_count(prom, "cancuoc:.+")
    per_day = {}  # samples a day each end-to-end province sends (the last week, its PCs on a third of it)
    for name, *_ in ends:
        names_ = [x["metric"]["__name__"] for x in prom.query(
            'count by (__name__) (last_over_time({__name__=~"cancuoc:.+",province="%s"}[7d]))' % name, at=END)]
        per_day[name] = sum(float(prom.query('sum(count_over_time(%s{province="%s"}[7d]))' % (n, name),
                                             at=END)[0]["value"][1]) for n in names_) / 7
    reg = registry(os.path.join(work, "national.csv"), facilities, province=True)
    with heavy_lock():
        took, rows, r = rollup(prom, reg, os.path.join(work, "rollup-national"), "auto")
    rss, peak = prom.memory()
    prom.stop()
    size = disk(data)
    national = comparable(rows)
    same = {}
    for name, ids, _, own in ends:
        mine = set(ids)
        same[name] = [x for x in national if x["facilityId"] in mine] == comparable(own)
    tabled = sum(1 for n in names if n in r.stdout)
    per_facility = {name: per_day[name] / len(ids) for name, ids, *_ in ends}
    log("country: %d recorded series, %d blocks (compacted in %.0f s); national roll-up %.1f s; Prometheus %d MiB "
        "(peak %d), %.0f MB on disk; %d of %d provinces in the table; samples sent a day: %s; end-to-end provinces' "
        "rows equal their own roll-ups: %s" % (
            series, blocks, settled, took, rss, peak, size / 1e6, tabled, len(names),
            ", ".join("%s %.0f (%.0f a facility)" % (n, per_day[n], per_facility[n]) for n in per_day),
            ", ".join("%s %s" % kv for kv in same.items())))
    results.append("country %d facilities: roll-up %.1f s (%d provinces, %d end to end; %d series, %.0f M samples, "
                   "%.0f MB, Prometheus peak %d MiB; a facility sends about %.0f samples a day)%s" % (
                       COUNTRY, took, PROVINCES, len(ends), series, samples / 1e6, size / 1e6, peak,
                       sum(per_facility.values()) / max(1, len(per_facility)),
                       "" if all(same.values()) else " PROVINCE ROWS DIFFERENT"))


def main():
    log("end of history %s UTC, %d days; scenarios %s" % (time.strftime("%Y-%m-%d %H:%M", time.gmtime(END)), DAYS,
                                                           ",".join(SCENARIOS)))
    ends = []
    if "province" in SCENARIOS:
        ends.append(("Đồng Nai",) + end_to_end("Đồng Nai", "DN", PROVINCE, 0, measure=True))
    if "country" in SCENARIOS:  # more provinces end to end, smaller
        for k, (name, prefix) in enumerate(END_TO_END[:EXTRA]):
            ends.append((name,) + end_to_end(name, prefix, EXTRA_SIZE, 1000 * (k + 1), measure=False))
    if "thousand" in SCENARIOS:
        scenario_thousand()
    if "country" in SCENARIOS:
        scenario_country(ends)
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
