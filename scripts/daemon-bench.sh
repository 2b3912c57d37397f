# Sourced by example-test.sh and demo-daemon.sh: a private pcscd + vpcd (pcsc-bench.sh) and
# cancuocd on a socket of its own, all stopped on exit. Needs BIN (the build's bin directory).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d /tmp/cancuoc-daemon.XXXXXX)
# A vpcd port pair nobody listens on (another bench may hold the usual ones).
port=
for _ in $(seq 50); do
  candidate=$(( 42000 + RANDOM % 6000 * 2 ))
  if ! ss -ltnH "( sport = :$candidate or sport = :$((candidate + 1)) )" | grep -q .; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "no free vpcd port" >&2; exit 1; }
pids=()
cleanup() {
  # Newest first: clients and the card before the daemon.
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$root/scripts/pcsc-bench.sh" stop "$work/bench" > /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$root/scripts/pcsc-bench.sh" start "$work/bench" "$port" > /dev/null
export PCSCLITE_CSOCK_NAME=$work/bench/run/pcscd.comm
socket=$work/api.sock
mkdir -p "$work/trust"
# DAEMON_ARGS: more options, e.g. --web-listen for the browser demo; DAEMON_CONFIG: another cancuocd.json
# (its drop-ins beside it); DAEMON_WRAPPER: a command to run it
# under (e.g. `heaptrack -o FILE`, for a soak that finds what grows).
${DAEMON_WRAPPER:-} "$BIN/cancuocd" --socket "$socket" --config "${DAEMON_CONFIG:-$root/config/cancuocd.json}" --trust "$work/trust" --state-directory "$work" --group "" --log-level "${DAEMON_LOG_LEVEL:-notice}" \
  ${DAEMON_ARGS:-} 2> "$work/cancuocd.log" &
daemon_pid=$!
pids+=($daemon_pid)
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "cancuocd did not start:" >&2; cat "$work/cancuocd.log" >&2; exit 1; }

# Places the simulated card of a bundled profile in slot 0 (in the background). CARD_TIMING:
# a timing profile (`cancuoc sim --timing`), so the card takes as long as a real chip.
insert_card() {
  # The card's CSCA goes to the daemon's trust directory (reloaded on change): reads are verified.
  "$BIN/cancuoc" sim --port "$port" --profile "${1:-tran-minh-khoa}" --trust-out "$work/trust" \
    ${CARD_TIMING:+--timing "$CARD_TIMING"} > "$work/sim.log" 2>&1 &
  pids+=($!)
}
