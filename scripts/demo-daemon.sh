#!/usr/bin/env bash
# The daemon demo (make demo calls it): cancuocd on the simulated card, `cancuoc watch` as a
# second subscriber, and an HIS-style client that reads the card when it is tapped. The
# watcher sees card.inserted and read.completed but never the citizen's data (docs/design.md §9.6).
#   Usage: scripts/demo-daemon.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: demo-daemon.sh BIN_DIR}
source "$(dirname "$0")/daemon-bench.sh"
profile=${PROFILE:-dang-ngoc-mai}
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dg13"]["idNumber"])' \
  "$root/Sources/CardSimulator/Profiles/$profile.json")
echo "== cancuocd listening on $socket"
"$BIN/cancuoc" call hello --socket "$socket"
"$BIN/cancuoc" watch --socket "$socket" 2> /dev/null | sed -u 's/^/[watch] /' &
pids+=($!)
python3 "$root/examples/his_client.py" --socket "$socket" --id "$id" --once --timeout 30 | sed -u 's/^/[HIS]   /' &
client=$!
sleep 1
echo "== tapping the card of $profile (as slow as a real chip on a 424 kbit/s reader: the verified identity comes before the face)"
CARD_TIMING=424-short insert_card "$profile"
wait "$client"
sleep 0.5
echo "== the clinic's reader inventory (cancuoc inventory): usage counts, never personal data"
"$BIN/cancuoc" inventory --db "$work/usage.sqlite" || true
echo "== done"
