#!/usr/bin/env python3
"""The long soak (docs/troubleshooting.md): READS verified card reads through a running cancuocd over its
Unix socket, one after another, with the daemon's resident memory (VmRSS) and thread count
sampled every EVERY reads. A measurement, not a test: it prints a table and the growth after
the first sample window, and exits 1 only if reads fail. Standard library only.

    python3 scripts/soak_client.py --socket S --pid P --id 0010… --reader "Virtual PCD 00 00" \
        --reads 50000 --every 5000 [--json out.json]
"""
import argparse
import json
import socket
import sys
import time


def status(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            values[key] = rest.strip()
    return int(values["VmRSS"].split()[0]), int(values["Threads"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--socket", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--id", required=True)
    p.add_argument("--reader", required=True)
    p.add_argument("--reads", type=int, default=50000)
    p.add_argument("--every", type=int, default=5000)
    p.add_argument("--json")
    a = p.parse_args()

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(a.socket)
    f = sock.makefile("rb")
    params = {"reader": a.reader, "key": {"id": a.id}}
    rss, threads = status(a.pid)
    samples = [{"reads": 0, "rssKiB": rss, "threads": threads, "seconds": 0.0}]
    print(f"{'reads':>7} {'RSS KiB':>9} {'threads':>7} {'seconds':>8}", flush=True)
    print(f"{0:>7} {rss:>9} {threads:>7} {0:>8.1f}", flush=True)
    failures = 0
    start = time.monotonic()
    for n in range(1, a.reads + 1):
        sock.sendall(json.dumps({"jsonrpc": "2.0", "id": n, "method": "card.read", "params": params}).encode() + b"\n")
        while True:
            line = f.readline()
            if not line:
                print("the daemon closed the connection", file=sys.stderr)
                return 1
            message = json.loads(line)
            if message.get("id") == n:
                break
        person = (message.get("result") or {}).get("person") or {}
        if person.get("idNumber") != a.id:
            failures += 1
        if n % a.every == 0:
            rss, threads = status(a.pid)
            seconds = time.monotonic() - start
            samples.append({"reads": n, "rssKiB": rss, "threads": threads, "seconds": round(seconds, 1)})
            print(f"{n:>7} {rss:>9} {threads:>7} {seconds:>8.1f}", flush=True)
    base = next((s for s in samples if s["reads"] >= a.every), samples[-1])
    last = samples[-1]
    growth = last["rssKiB"] - base["rssKiB"]
    span = last["reads"] - base["reads"]
    slope = growth / span * 1000 if span else 0.0
    print(f"soak: {a.reads} reads, {failures} failed, {last['seconds']:.0f} s; RSS after {base['reads']} reads "
          f"{base['rssKiB']} KiB, after {last['reads']} {last['rssKiB']} KiB: growth {growth} KiB "
          f"({slope:.1f} KiB per 1,000 reads)", flush=True)
    if a.json:
        with open(a.json, "w") as out:
            json.dump({"reads": a.reads, "failures": failures, "samples": samples,
                       "growthKiB": growth, "kibPer1000Reads": slope}, out, indent=2)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
