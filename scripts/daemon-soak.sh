#!/usr/bin/env bash
# The long soak (make soak, docs/troubleshooting.md): SOAK_READS verified reads (default 50,000) through the
# real cancuocd on the simulated card, its resident memory sampled every SOAK_EVERY (5,000).
# A measurement outside any test time limit: prints the samples and the growth after the first
# window; JSON under bench-results/. Usage: scripts/daemon-soak.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: daemon-soak.sh BIN_DIR}
source "$(dirname "$0")/daemon-bench.sh"
profile=${PROFILE:-tran-minh-khoa}
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dg13"]["idNumber"])' \
  "$root/Sources/CardSimulator/Profiles/$profile.json")
insert_card "$profile"
for _ in $(seq 100); do "$BIN/cancuoc" call readers.list --socket "$socket" 2> /dev/null | grep -q '"cardPresent" *: *true' && break; sleep 0.2; done
mkdir -p "$root/bench-results"
out="$root/bench-results/soak-$(date -u +%Y%m%dT%H%M%SZ).json"
python3 "$root/scripts/soak_client.py" --socket "$socket" --pid "$daemon_pid" --id "$id" \
  --reader "Virtual PCD 00 00" --reads "${SOAK_READS:-50000}" --every "${SOAK_EVERY:-5000}" --json "$out"
echo "soak: samples in $out"
