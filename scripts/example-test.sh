#!/usr/bin/env bash
# CI for examples/his_client.py (docs/integration.md): the example client waits on a real
# cancuocd (private pcscd + vpcd), the simulated card is placed afterwards, and the client
# must print the citizen's record.   Usage: scripts/example-test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: example-test.sh BIN_DIR}
source "$(dirname "$0")/daemon-bench.sh"
profile=tran-minh-khoa
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dg13"]["idNumber"])' \
  "$root/Sources/CardSimulator/Profiles/$profile.json")
python3 "$root/examples/his_client.py" --socket "$socket" --id "$id" --once --timeout 30 > "$work/client.out" 2>&1 &
client=$!
sleep 1
insert_card "$profile"
status=0
wait "$client" || status=$?
cat "$work/client.out"
if [ "$status" -ne 0 ] || ! grep -q "^$id | " "$work/client.out"; then
  echo "example-test: FAILED (client exit $status); cancuocd log:" >&2
  tail -20 "$work/cancuocd.log" >&2
  exit 1
fi
# Graceful shutdown: SIGTERM ends the daemon with status 0 and removes its socket.
kill -TERM "$daemon_pid"
daemon_status=0
wait "$daemon_pid" || daemon_status=$?
if [ "$daemon_status" -ne 0 ] || [ -e "$socket" ] || ! grep -q "stopped" "$work/cancuocd.log"; then
  echo "example-test: FAILED: cancuocd did not stop cleanly (status $daemon_status)" >&2
  tail -20 "$work/cancuocd.log" >&2
  exit 1
fi
echo "example-test: ok"
