#!/usr/bin/env bash
# A private pcscd with two vpcd slots, beside any system pcscd (docs/design.md §10).
#   scripts/pcsc-bench.sh start [DIR] [PORT]  → prints PCSCLITE_CSOCK_NAME=…, the pid and the vpcd ports
#   scripts/pcsc-bench.sh stop  [DIR]         → SIGTERM, then SIGKILL after 3 s
# Needs root (unshare -m, mount --bind). Same logic as Tests/TestBench/PCSCBench.swift.
set -euo pipefail
cmd=${1:?usage: pcsc-bench.sh start|stop [DIR] [PORT]}
dir=${2:-/tmp/cancuoc-bench}
port=${3:-40000}
run=$dir/run conf=$dir/reader.conf.d
# pcscd writes its pid with a trailing NUL.
benchpid() { tr -d '\000\n' < "$run/pcscd.pid"; }

case $cmd in
start)
  mkdir -p "$run" "$conf"
  if [ -f "$run/pcscd.pid" ] && kill -0 "$(benchpid)" 2>/dev/null; then
    echo "pcsc-bench: already running (pid $(benchpid))" >&2; exit 1
  fi
  printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x%X\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID 0x%X\n' \
    "$port" "$port" > "$conf/vpcd"
  unshare -m sh -c 'mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd && exec pcscd -f -c "$2"' \
    sh "$run" "$conf" > "$dir/pcscd.log" 2>&1 < /dev/null &
  for _ in $(seq 100); do
    if PCSCLITE_CSOCK_NAME=$run/pcscd.comm timeout 2 opensc-tool -l 2>/dev/null | grep -q 'Virtual PCD 00 01'; then
      echo "PCSCLITE_CSOCK_NAME=$run/pcscd.comm"
      echo "pid $(benchpid)"
      echo "vpcd ports $port $((port + 1))"
      exit 0
    fi
    sleep 0.1
  done
  echo "pcsc-bench: pcscd did not come up; log:" >&2; tail -20 "$dir/pcscd.log" >&2; exit 1
  ;;
stop)
  [ -f "$run/pcscd.pid" ] || { echo "pcsc-bench: not running"; exit 0; }
  pid=$(benchpid)
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$run/pcscd.pid"
  echo "pcsc-bench: stopped pid $pid"
  ;;
*) echo "usage: pcsc-bench.sh start|stop [DIR] [PORT]" >&2; exit 64 ;;
esac
