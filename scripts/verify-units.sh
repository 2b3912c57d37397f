#!/usr/bin/env bash
# Checks the installed systemd units of a DESTDIR install (make install DESTDIR=…):
# `systemd-analyze verify` against the installed binaries, and the hardening exposure
# (`systemd-analyze security --offline=true`, must be ≤ 2.0; 0.5 when last recorded).
#   Usage: scripts/verify-units.sh DESTDIR [UNITDIR]
set -euo pipefail
dest=${1:?usage: verify-units.sh DESTDIR [UNITDIR]}
unitdir=${2:-/usr/lib/systemd/system}
tmp=$(mktemp -d /tmp/cancuoc-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# systemd-analyze --root cannot resolve the host's targets, so verify copies of the units whose
# ExecStart points into DESTDIR instead: same unit, installed binary.
bindir=$(sed -n 's|^ExecStart=\(.*\)/cancuocd .*|\1|p' "$dest$unitdir/cancuocd.service")
sed "s|^ExecStart=$bindir/|ExecStart=$dest$bindir/|" "$dest$unitdir/cancuocd.service" > "$tmp/cancuocd.service"
cp "$dest$unitdir/cancuocd.socket" "$tmp/cancuocd.socket"
cp "$dest$unitdir/cancuocd-web.socket" "$tmp/cancuocd-web.socket"
sed "s|^ExecStart=$bindir/|ExecStart=$dest$bindir/|" "$dest$unitdir/cancuoc-crl-update.service" > "$tmp/cancuoc-crl-update.service"
cp "$dest$unitdir/cancuoc-crl-update.timer" "$tmp/cancuoc-crl-update.timer"
systemd-analyze verify "$tmp/cancuocd.socket" "$tmp/cancuocd-web.socket" "$tmp/cancuocd.service" \
  "$tmp/cancuoc-crl-update.service" "$tmp/cancuoc-crl-update.timer"
echo "systemd-analyze verify: ok"
systemd-analyze security --offline=true --threshold=20 --no-pager "$tmp/cancuocd.service" | tail -1
systemd-analyze security --offline=true --threshold=20 --no-pager "$tmp/cancuoc-crl-update.service" | tail -1
# With the camera drop-in (docs/face-check.md § The daemon's camera) merged in, as a clinic with a
# camera runs it.
camera=$(find "$dest" -path '*/share/cancuoc/systemd/cancuocd-camera.conf' | head -1)
if [ -n "$camera" ]; then
  grep -v '^\[Service\]' "$camera" > "$tmp/camera.lines"
  awk -v lines="$tmp/camera.lines" '/^\[Install\]/ { while ((getline l < lines) > 0) print l } { print }' \
    "$tmp/cancuocd.service" > "$tmp/camera.service"
  mv "$tmp/camera.service" "$tmp/cancuocd.service"
  grep -q '^DeviceAllow=char-81 rw' "$tmp/cancuocd.service" || { echo "the camera drop-in was not merged"; exit 1; }
  systemd-analyze verify "$tmp/cancuocd.socket" "$tmp/cancuocd-web.socket" "$tmp/cancuocd.service"
  echo "with the camera drop-in: $(systemd-analyze security --offline=true --threshold=20 --no-pager "$tmp/cancuocd.service" | tail -1)"
fi
