#!/usr/bin/env bash
# make demo: a private pcscd with the vpcd virtual reader, a simulated CCCD card in it, and a
# real read through PC/SC — what a clinic sees, without hardware. Needs root (unshare -m).
set -euo pipefail
BIN=${1:?usage: demo.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/cancuoc-demo.XXXXXX)
port=${DEMO_PORT:-$((42000 + RANDOM % 4000))}
profile=${DEMO_PROFILE:-hoang-van-thach}
sim_pid=""

cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  "$here/pcsc-bench.sh" stop "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting a private pcscd with the vpcd virtual reader driver (port $port)"
"$here/pcsc-bench.sh" start "$dir" "$port"
export PCSCLITE_CSOCK_NAME=$dir/run/pcscd.comm

step "Placing a simulated CCCD card on the reader ($profile)"
"$BIN/cancuoc" sim --port "$port" --profile "$profile" --trust-out "$dir/trust" > "$dir/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do
  "$BIN/cancuoc" readers --json 2>/dev/null | grep -q '"cardPresent" *: *true' && break
  sleep 0.1
done
cat "$dir/sim.log"
id=$(sed -n 's/.*(ID \([0-9]\{12\}\),.*/\1/p' "$dir/sim.log")

step "cancuoc readers"
"$BIN/cancuoc" readers

step "cancuoc read --id $id --trust …   (PACE with the CAN = last 6 digits of the ID; verified against the card's test CSCA)"
start=$(date +%s%N)
"$BIN/cancuoc" read --id "$id" --reader "Virtual PCD 00 00" --trust "$dir/trust"
end=$(date +%s%N)
echo
echo "Read, parsed and printed in $(( (end - start) / 1000000 )) ms (whole command, including start-up)."

step "The same record as JSON for an HIS (cancuoc read --json), statistics only"
"$BIN/cancuoc" read --id "$id" --reader "Virtual PCD 00 00" --trust "$dir/trust" --json | python3 "$here/demo_stats.py"

step "A wrong key is refused (exit code 3), and nothing is locked"
set +e
"$BIN/cancuoc" read --can 000000 --reader "Virtual PCD 00 00"
echo "exit code: $?"
set -e

step "A forged card (a data group edited after signing) is caught: verification failed, exit code 6"
kill "$sim_pid" 2>/dev/null || true
wait "$sim_pid" 2>/dev/null || true
"$BIN/cancuoc" sim --port "$port" --profile "$profile" --fault dg-modified --trust-out "$dir/trust-forged" > "$dir/sim.log" 2>&1 &
sim_pid=$!
# The simulator writes the forged card's trust anchors before it connects to vpcd.
for _ in $(seq 100); do grep -q "card inserted" "$dir/sim.log" 2>/dev/null && break; sleep 0.1; done
set +e
"$BIN/cancuoc" read --id "$id" --reader "Virtual PCD 00 00" --trust "$dir/trust-forged" --wait 15 > "$dir/forged.out"
code=$?
set -e
grep -E "Xác thực|Verification" "$dir/forged.out" || cat "$dir/forged.out"
echo "exit code: $code"

step "The ID card pushed into the contact slot of a dual reader (second virtual slot): the desk is told where to put it"
"$BIN/cancuoc" sim --port "$port" --slot 1 --profile "$profile" --contact-chip silent > "$dir/sim-contact.log" 2>&1 &
contact_pid=$!
for _ in $(seq 100); do "$BIN/cancuoc" readers --json 2>/dev/null | grep -q '"atr" *: *"3B9F96C0' && break; sleep 0.1; done
"$BIN/cancuoc" readers | sed -n '/Virtual PCD 00 01/,$p'
set +e
"$BIN/cancuoc" read --id "$id" --reader "Virtual PCD 00 01" --wait 5
echo "exit code: $?"
set -e
kill "$contact_pid" 2>/dev/null || true
wait "$contact_pid" 2>/dev/null || true

step "The address as the HIS needs it: today's units and their official codes (cancuoc address, docs/address.md)"
echo "A card issued in 2021 prints the units of its day; Quảng An was split on 1 July 2025 — staff choose, nothing is guessed:"
"$BIN/cancuoc" address "Số 18 ngõ 52 Tô Ngọc Vân, Quảng An, Tây Hồ, Hà Nội" --issued 2021-05-10
echo
echo "A ward merged whole gets its one current ward and code:"
"$BIN/cancuoc" address "Số 5 Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội" --issued 2022-03-01

photos="$here/../.build/face/photos"
if [ -f "$photos/obama.jpg" ] && [ -x "$BIN/cancuoc-face-matcher" ]; then
  step "The face check (docs/face-check.md): the patient's photo against the chip portrait, offline, nothing kept"
  echo "(public-domain test photos from the face_recognition package stand in for the patient and the chip portrait)"
  # A chip portrait is small (DG2 ~15–20 KB): the photo scaled down as a card's would be.
  convert "$photos/obama.jpg" -resize 360x480 -quality 75 "$dir/portrait.jpg" 2> /dev/null
  # From the build tree (the cancuoc-face package installs them under /usr/lib and /usr/share).
  export CANCUOC_FACE_MATCHER="$BIN/cancuoc-face-matcher" CANCUOC_FACE_MODELS="$here/../.build/face/models"
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  "$BIN/cancuoc" sim --port "$port" --profile "$profile" --portrait "$dir/portrait.jpg" --trust-out "$dir/trust-face" \
    > "$dir/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 100); do grep -q "card inserted" "$dir/sim.log" 2>/dev/null && break; sleep 0.1; done
  echo "-- the card's holder at the desk:"
  "$BIN/cancuoc" read --id "$id" --reader "Virtual PCD 00 00" --trust "$dir/trust-face" --wait 15 \
    --face-check "$photos/obama2.jpg" | grep -iE "khuôn mặt|face" || true
  echo "-- someone else with the same card:"
  "$BIN/cancuoc" read --id "$id" --reader "Virtual PCD 00 00" --trust "$dir/trust-face" --wait 15 \
    --face-check "$photos/biden.jpg" | grep -iE "khuôn mặt|face" || true
  if command -v ffmpeg > /dev/null; then
    step "The daemon's own camera for a native HIS (face.check with camera: true; docs/face-check.md)"
    "$here/demo-camera.sh" "$BIN"
  fi
fi

step "The province's trust anchors as a package (docs/fleet.md): cancuoc trust package"
"$BIN/cancuoc" trust package "$dir/trust" --name cancuoc-trust-demo --version 2026.12.1 --out "$dir" > /dev/null
dpkg-deb --info "$dir"/cancuoc-trust-demo_2026.12.1_all.deb | sed -n '/Package:/,/Description:/p'
dpkg-deb --contents "$dir"/cancuoc-trust-demo_2026.12.1_all.deb | awk '{print "  " $6}' | grep -v '/$'

if [ -x "$here/demo-daemon.sh" ]; then
  "$here/demo-daemon.sh" "$BIN" "$dir" "$port" "$profile"
fi
step "The browser path: the reception page in headless Chromium (docs/integration.md §7)"
"$here/demo-browser.sh" "$BIN"
step "Done"
