#!/usr/bin/env bash
# The province inventory through Prometheus (docs/inventory.md): promtool on contrib/prometheus/, then
# three simulated clinics remote-writing to a province Prometheus, all real processes on
# loopback (scripts/prometheus_test.py). Needs root (pcsc-bench.sh uses unshare -m), and
# Debian's prometheus and prometheus-node-exporter (make deps).   Usage: scripts/prometheus-test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: prometheus-test.sh BIN_DIR}
exec python3 "$(dirname "$0")/prometheus_test.py" "$BIN"
