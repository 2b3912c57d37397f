#!/usr/bin/env bash
# CI for examples/his_client.py (docs/integration.md): the example client waits on a real
# cancuocd (private pcscd + vpcd), the simulated card is placed afterwards (as slow as a real
# chip on a 424 kbit/s reader), and the client must print the verified identity first, then
# the record with the face.   Usage: scripts/example-test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: example-test.sh BIN_DIR}
source "$(dirname "$0")/daemon-bench.sh"
profile=tran-minh-khoa
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dg13"]["idNumber"])' \
  "$root/Sources/CardSimulator/Profiles/$profile.json")
python3 "$root/examples/his_client.py" --socket "$socket" --id "$id" --once --timeout 30 > "$work/client.out" 2>&1 &
client=$!
sleep 1
CARD_TIMING=424-short insert_card "$profile"
status=0
wait "$client" || status=$?
cat "$work/client.out"
if [ "$status" -ne 0 ] || ! grep -q "^$id | .* | verification verified | face read 360x480 | " "$work/client.out" \
   || ! grep -q "^identity: $id | .* | verification verified | [0-9]* ms (face follows)" "$work/client.out"; then
  echo "example-test: FAILED (client exit $status); cancuocd log:" >&2
  tail -20 "$work/cancuocd.log" >&2
  exit 1
fi
# The identity came first, and well before the record: the face is most of the read.
python3 - "$work/client.out" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
identity = [i for i, l in enumerate(lines) if l.startswith("identity: ")]
record = [i for i, l in enumerate(lines) if re.match(r"^\d{12} \| ", l)]
assert identity and record and identity[0] < record[0], "the identity line must come before the record line"
ms = lambda l: int(re.search(r"\| (\d+) ms", l).group(1))
first, full = ms(lines[identity[0]]), ms(lines[record[0]])
assert first * 2 < full, "identity at %d ms is not well before the record at %d ms" % (first, full)
print("example-test: identity at %d ms, record at %d ms" % (first, full))
PY
# Graceful shutdown: SIGTERM ends the daemon with status 0 and removes its socket.
kill -TERM "$daemon_pid"
daemon_status=0
wait "$daemon_pid" || daemon_status=$?
if [ "$daemon_status" -ne 0 ] || [ -e "$socket" ] || ! grep -q "stopped" "$work/cancuocd.log"; then
  echo "example-test: FAILED: cancuocd did not stop cleanly (status $daemon_status)" >&2
  tail -20 "$work/cancuocd.log" >&2
  exit 1
fi
# A read refused by a stopping daemon (an update) is sent again on a new connection.
python3 "$root/Tests/Examples/test_his_client.py" 2>&1 | tail -1
echo "example-test: ok"
