#!/usr/bin/env bash
# make system-test: the .deb installed and run under a real systemd, on Debian 12 and 13.
#
# For each release: a minimal root made once by debootstrap (cached in .build-system-test/,
# with everything the checks need, since the booted container has no network), copied, booted
# with systemd-nspawn (the host's PID 1 need not be systemd), and driven with nsenter. The
# simulated card (cancuoc sim) talks to the container's own pcscd through vpcd on loopback.
# cancuoc-face (the face check's package, beside DEB in the same folder) is installed, used
# through the packaged daemon and removed again; without it those checks are skipped, saying why.
# Every check prints one line; the last line is "N passed, M failed, K skipped".
#   Usage: scripts/system-test.sh DEB [RELEASE...]        (default: bookworm trixie)
#   SYSTEM_TEST_MIRROR=URL overrides the Debian mirror taken from the host's apt sources.
set -euo pipefail
deb=$(realpath "${1:?usage: system-test.sh DEB [RELEASE...]}")
shift
if [ $# -gt 0 ]; then releases=("$@"); else releases=(bookworm trixie); fi
here=$(cd "$(dirname "$0")" && pwd)
cache=${SYSTEM_TEST_CACHE:-$here/../.build-system-test}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

profile=tran-minh-khoa
id=$(sed -n 's/.*"idNumber": *"\([0-9]\{12\}\)".*/\1/p' "$here/../Sources/CardSimulator/Profiles/$profile.json" | head -1)
passed=0 failed=0 skipped=0
release="" run="" nspawn_pid="" init=""

# ---- results -----------------------------------------------------------------------------
pass() { passed=$((passed + 1)); printf 'PASS %-9s %s\n' "$release" "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %-9s %s%s\n' "$release" "$1" "${2:+ — $2}"; }
skip() { skipped=$((skipped + 1)); printf 'SKIP %-9s %s — %s\n' "$release" "$1" "$2"; }
# check NAME COMMAND...: passes when COMMAND succeeds; its output is shown on failure.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(tail -3 <<< "$out" | tr '\n' ' ')"; fi
}

# ---- the container -------------------------------------------------------------------------
# Runs a command inside the booted container (all its namespaces), with a clean environment.
ct() { nsenter -t "$init" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# Polls COMMAND (inside) until it succeeds or SECONDS pass.
ct_until() {
  local seconds=$1 deadline
  shift
  deadline=$(( $(date +%s%N) + seconds * 1000000000 ))
  until ct "$@" > /dev/null 2>&1; do
    [ "$(date +%s%N)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Unmounts whatever is still mounted below $1 (deepest first).
unmount_below() {
  local m
  for m in $(awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
}

stop_container() {
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true            # nspawn asks the container's init to power off
    for _ in $(seq 150); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
    wait "$nspawn_pid" 2>/dev/null || true
  fi
  nspawn_pid="" init=""
  if [ -n "$run" ]; then
    unmount_below "$run"
    rm -rf "$run"
  fi
  run=""
}
trap 'stop_container' EXIT
trap 'exit 130' INT TERM

# The Debian mirror of the host's apt sources (one-line .list and deb822 .sources files).
host_mirror() {
  local f uri=""
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' "$f" \
      | grep -v -e security -e '^$' | head -1) || true
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ]; then
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      uri=$(awk 'tolower($1) == "uris:" { print $2 }' "$f" | grep -v security | head -1) || true
      [ -n "$uri" ] && break
    done
  fi
  echo "${SYSTEM_TEST_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

# Packages of the minimal root: systemd to boot, pcscd + vpcd for the simulated card,
# node_exporter for the metrics, and the package's runtime dependencies (no network later).
root_packages() {
  local common=systemd,systemd-sysv,dbus,passwd,procps,pcscd,libccid,vsmartcard-vpcd,prometheus-node-exporter,libpcsclite1,libsqlite3-0,python3,debconf-utils,unattended-upgrades
  case $1 in
    bookworm) echo "$common,libssl3,libcurl4,$(face_root_packages "$1")" ;;
    *) echo "$common,libssl3t64,libcurl4t64,libpam-systemd,$(face_root_packages "$1")" ;; # Debian 13: pcscd needs polkitd, polkitd a logind
  esac
}

# Makes (once) the cached root of a release. Prints how long debootstrap took (0: cached).
ensure_root() {
  local rel=$1 dir=$cache/$1 packages stamp start
  packages=$(root_packages "$rel")
  stamp="debootstrap --variant=minbase --include=$packages $rel"
  if [ -f "$dir/.system-test-root" ] && [ "$(cat "$dir/.system-test-root")" = "$stamp" ]; then
    echo 0; return
  fi
  rm -rf "$dir" "$dir.tmp"
  start=$(date +%s)
  local attempt
  for attempt in 1 2; do                      # a second try for a mirror's bad moment
    if debootstrap --variant=minbase --include="$packages" "$rel" "$dir.tmp" "$(host_mirror)" > "$cache/$rel.debootstrap.log" 2>&1; then
      break
    fi
    unmount_below "$dir.tmp"
    rm -rf "$dir.tmp"
    echo "debootstrap of $rel failed (try $attempt); see $cache/$rel.debootstrap.log" >&2
    tail -5 "$cache/$rel.debootstrap.log" >&2
    [ "$attempt" = 2 ] && return 1
  done
  unmount_below "$dir.tmp"
  echo "$stamp" > "$dir.tmp/.system-test-root"
  mv "$dir.tmp" "$dir"
  echo $(( $(date +%s) - start ))
}

# Copies the cached root, puts the packages in /srv/system-test and boots it.
boot() {
  local rel=$1 pid status
  run=$(mktemp -d "$cache/run-$rel.XXXXXX")
  cp -a "$cache/$rel" "$run/root"
  mkdir -p "$run/root/srv/system-test"
  cp "$deb" "$run/root/srv/system-test/current.deb"
  cp "$work/previous.deb" "$run/root/srv/system-test/previous.deb"
  # The province's repositories (fleet checks, docs/fleet.md), served by python3 -m http.server.
  mkdir -p "$run/root/srv/www"
  cp -a "$work/repo-n" "$work/repo-next" "$work/repo-back" "$work/repo-foreign" "$run/root/srv/system-test/"
  ln -sfn /srv/system-test/repo-n "$run/root/srv/www/repo"
  ln -sfn /srv/system-test/repo-foreign "$run/root/srv/www/foreign"
  # CAP_SYS_RESOURCE, as a host's systemd has it: LimitNICE= raises RLIMIT_NICE's hard limit.
  # Only where this host has it in its bounding set (else nspawn cannot give it; the
  # thread-priority check then says so).
  local caps=()
  prlimit --nice=24:24 true 2> /dev/null && caps=(--capability=CAP_SYS_RESOURCE)
  systemd-nspawn -b --private-network --register=no --keep-unit -q "${caps[@]}" -D "$run/root" \
    --machine="cancuoc-$rel" > "$run/console.log" 2>&1 < /dev/null &
  nspawn_pid=$!
  # The container's init: nspawn's child whose pid in its own namespace is 1.
  for _ in $(seq 100); do
    for pid in $(pgrep -P "$nspawn_pid" || true); do
      status=$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status" 2>/dev/null || true)
      [ "$status" = 1 ] && init=$pid
    done
    [ -n "$init" ] && break
    sleep 0.1
  done
  [ -n "$init" ] || { echo "systemd-nspawn did not start; console:" >&2; tail -20 "$run/console.log" >&2; return 1; }
  # Until the manager answers on its bus, is-system-running fails at once: poll, 60 s at most.
  local state="" deadline=$(( $(date +%s) + 60 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    state=$(timeout 10 nsenter -t "$init" -a systemctl is-system-running --wait 2>/dev/null || true)
    case $state in running|degraded) return 0 ;; esac
    sleep 0.1
  done
  echo "the container did not boot (state '$state'); console:" >&2; tail -20 "$run/console.log" >&2
  return 1
}

# ---- the checks ----------------------------------------------------------------------------
socket_is() { [ "$(ct stat -c '%U:%G %a' /run/cancuoc/api.sock)" = "cancuoc:cancuoc 660" ]; }
hello_as() { ct runuser -u "$1" -- timeout 20 cancuoc call hello; }
main_pid() { ct systemctl show -P MainPID cancuocd.service; }
# (grep reads all of it: with -q, journalctl could die of SIGPIPE and fail the pipeline)
# Prints the matching lines (at most 3).
journal_has() { local m; m=$(ct journalctl -b --no-pager -o short | grep -Ei "$1") && head -3 <<< "$m"; }
exits_78() { ct journalctl -b --no-pager -o cat -u cancuocd.service | grep -c "status=78" || true; }

subscribe_records_as_member() {
  local out
  out=$(ct runuser -u his -- timeout 20 cancuoc call events.subscribe '{"records":true}' 2>&1)
  grep -q '"records":true' <<< "$out" || { echo "$out"; return 1; }
}
device_allow_by_major() {
  ct systemctl show -P DeviceAllow cancuocd.service | grep 'char-166 rw' > /dev/null && ! journal_has "cancuocd.*(couldn.t|failed to).*(major|devices)"
}
no_sigsys() { ! journal_has 'SIGSYS|status=31|bad system call'; }
# libdispatch asks setpriority for nice -4 (its manager queue is the user-interactive root queue
# on Linux), -2 (user-initiated: the async main task) and 0; a worker spawned by one that raised
# its nice must lower it again, which RLIMIT_NICE 24 (LimitNICE=-4) allows and nothing less does.
thread_priority_lines() { ct journalctl -b --no-pager -o short | grep -cE 'cancuocd\[[0-9]+\]: .*thread priority' || true; }
no_thread_priority_lines() { local n; n=$(thread_priority_lines); [ "$n" = 0 ] || { echo "$n thread-priority lines"; journal_has 'cancuocd\[[0-9]+\]: .*thread priority'; return 1; }; }
# libdispatch's setpriority gets through the syscall filter: refused (if at all) by the nice
# limit with EACCES (13), never by seccomp with EPERM (SystemCallErrorNumber=EPERM, 1).
setpriority_not_filtered() { ! journal_has 'cancuocd\[[0-9]+\]: .*thread priority.*errno=1$'; }
# RLIMIT_NICE of the running daemon (LimitNICE=-4 → 24).
nice_limit() { ct sh -c 'grep "Max nice priority" "/proc/$(systemctl show -P MainPID cancuocd.service)/limits"' | awk '{ print $4 }'; }

read_card_as_member() {
  local out
  out=$(ct runuser -u his -- timeout 60 cancuoc call card.read "{\"key\":{\"id\":\"$id\"},\"waitForCardSeconds\":30}")
  grep -q '"status":"verified"' <<< "$out" || { echo "$out" | cut -c1-300; return 1; }
}

# The browser endpoint (cancuocd-web.socket, docs/security.md): systemd listens on loopback port 28710
# and passes the socket to the daemon, which keeps PrivateNetwork=yes; the reception page is
# served, a foreign origin gets 403 before any WebSocket, and the listener is loopback only.
web_endpoint() {
  local page refused
  ct sh -c 'systemctl is-enabled -q cancuocd-web.socket && systemctl is-active -q cancuocd-web.socket' \
    || { echo "cancuocd-web.socket not enabled and active"; return 1; }
  ! ct ss -ltnH | awk '{ print $4 }' | grep -v -e '^127\.0\.0\.1:' -e '^\[::1\]:' | grep -q ':28710$' \
    || { echo "28710 listens beyond loopback"; return 1; }
  page=$(ct bash -c 'exec 3<>/dev/tcp/127.0.0.1/28710 && printf "GET / HTTP/1.1\r\nHost: 127.0.0.1:28710\r\n\r\n" >&3 && timeout 10 cat <&3')
  grep -q "frame-ancestors 'none'" <<< "$page" && grep -q '<html lang="vi">' <<< "$page" || { echo "${page:0:300}"; return 1; }
  refused=$(ct bash -c 'exec 3<>/dev/tcp/127.0.0.1/28710 && printf "GET /api HTTP/1.1\r\nHost: 127.0.0.1:28710\r\nOrigin: https://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" >&3 && timeout 10 head -1 <&3')
  grep -q "403" <<< "$refused" || { echo "foreign origin: $refused"; return 1; }
  journal_has "cancuocd.*refused a browser connection" > /dev/null || { echo "refusal not logged"; return 1; }
}

outsider_refused() {
  local out status=0
  out=$(ct runuser -u outsider -- timeout 20 cancuoc call hello 2>&1) || status=$?
  [ "$status" = 7 ] && grep -qi "permission denied" <<< "$out" || { echo "exit $status: $out"; return 1; }
}

# systemd-analyze security of the installed unit, inside: "Overall exposure level …: 0.6 SAFE".
exposure() { ct systemd-analyze security --no-pager cancuocd.service | sed -n 's/.*Overall exposure level.*: \([0-9.]*\) .*/\1/p'; }
at_most_1() { awk -v l="$1" 'BEGIN { exit !(l != "" && l <= 1.0) }'; }

metrics_reach_node_exporter() {
  local f=/var/lib/prometheus/node-exporter/cancuoc.prom
  ct_until 20 sh -c "grep -q '^cancuoc_pcsc_up 1' $f" || { echo "no cancuoc_pcsc_up 1 in $f"; return 1; }
  ct runuser -u prometheus -- grep -q '^cancuoc_card_reads_total' "$f" || { echo "prometheus cannot read $f"; return 1; }
  # …and node_exporter itself serves it (its own HTTP port on the container's loopback).
  ct_until 20 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9100 && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && grep -q "^cancuoc_pcsc_up 1" <&3'
}

# The command line loads libcurl (URLSession: cancuoc inventory rollup --prometheus) and the
# Prometheus examples are installed as documentation.
prometheus_rollup_cli() {
  local out status=0
  ct test -f /usr/share/doc/cancuoc/contrib/prometheus/clinic-agent.yml || { echo "no contrib/prometheus/clinic-agent.yml"; return 1; }
  out=$(ct bash -c 'printf "id,name,district,type,declaredReaderNeed\nA,a,d,t,1\n" > /tmp/f.csv && timeout 30 cancuoc inventory rollup --registry /tmp/f.csv --prometheus http://127.0.0.1:1 --out /tmp/rollup 2>&1') || status=$?
  [ "$status" = 1 ] && grep -q "Cannot reach Prometheus" <<< "$out" || { echo "exit $status: $out"; return 1; }
}

stop_keeps_socket() {
  ct systemctl stop cancuocd.service
  ct systemctl is-active -q cancuocd.socket || { echo "socket inactive after stopping the service"; return 1; }
  hello_as his > /dev/null || { echo "no hello after stop"; return 1; }
  ct systemctl is-active -q cancuocd.service
}

served_after_kill_9() {
  local before after
  before=$(main_pid)
  ct kill -KILL "$before"
  hello_as his > /dev/null || { echo "no hello after kill -9"; return 1; }
  after=$(main_pid)
  [ "$after" != 0 ] && [ "$after" != "$before" ] || { echo "MainPID $before → $after"; return 1; }
}

# A broken configuration (exit 78): no Restart= loop, a bounded number of starts, and a
# client that connects meanwhile gets an error instead of hanging.
broken_config_stops() {
  local status=0 starts starts_later
  ct cp /etc/cancuoc/cancuocd.json /etc/cancuoc/cancuocd.json.good
  ct mkdir -p /etc/cancuoc/cancuocd.json.d
  ct sh -c 'echo "{\"noSuchSetting\": 1}" > /etc/cancuoc/cancuocd.json'
  ct systemctl stop cancuocd.service
  ct runuser -u his -- timeout 30 cancuoc call hello > /dev/null 2>&1 || status=$?
  [ "$status" != 0 ] && [ "$status" != 124 ] || { echo "client exit $status (124: it hung)"; return 1; }
  ct_until 10 sh -c '[ "$(systemctl show -P ActiveState cancuocd.service)" = failed ]' || { echo "service not failed"; return 1; }
  [ "$(ct systemctl show -P ExecMainStatus cancuocd.service)" = 78 ] || { echo "last exit $(ct systemctl show -P ExecMainStatus cancuocd.service)"; return 1; }
  # The client's connection re-triggered the socket until the start limit (10): then the
  # socket failed (that is what ended the client's wait), and nothing is scheduled any more.
  [ "$(ct systemctl show -P ActiveState cancuocd.socket)" = failed ] || { echo "socket not failed"; return 1; }
  [ "$(ct systemctl show -P NRestarts cancuocd.service)" = 0 ] || { echo "Restart= restarted it"; return 1; }
  ! ct systemctl list-jobs --no-legend | grep cancuocd || { echo "a start is still queued"; return 1; }
  starts=$(exits_78)
  echo "exits with 78: $starts"
  [ "$starts" -ge 1 ] && [ "$starts" -le 10 ]
}

recovers_after_fix() {
  ct mv /etc/cancuoc/cancuocd.json.good /etc/cancuoc/cancuocd.json
  ct systemctl reset-failed cancuocd.service cancuocd.socket
  ct systemctl start cancuocd.socket
  hello_as his > /dev/null
}

upgrade_keeps_state() {
  local before after
  before=$(main_pid)
  ct dpkg -i /srv/system-test/current.deb > /dev/null || { echo "dpkg -i current.deb failed"; return 1; }
  ct dpkg-query -W -f '${Version}' cancuoc | grep -v '~previous' > /dev/null || { echo "still the previous version"; return 1; }
  ct grep -q '"name": "System Test Clinic"' /etc/cancuoc/cancuocd.json || { echo "the edited configuration was replaced"; return 1; }
  ct_until 20 sh -c '[ "$(systemctl show -P MainPID cancuocd.service)" != 0 ]' || hello_as his > /dev/null
  after=$(main_pid)
  [ "$after" != "$before" ] || { echo "the daemon was not restarted (MainPID $before)"; return 1; }
  hello_as his | grep '"facility":"System Test Clinic"' > /dev/null || { echo "hello does not report the kept facility"; return 1; }
  ct cancuoc inventory --db /var/lib/cancuoc/usage.sqlite --json | grep '"reads" *: *[1-9]' > /dev/null \
    || { echo "the usage database lost its reads"; return 1; }
}

remove_keeps_state() {
  ct dpkg -r cancuoc > /dev/null
  ! ct systemctl is-active -q cancuocd.socket || { echo "socket still active"; return 1; }
  ! ct test -e /run/cancuoc/api.sock || { echo "socket file still there"; return 1; }
  ct test -e /var/lib/cancuoc/usage.sqlite || { echo "state removed on remove"; return 1; }
  ct test -e /etc/cancuoc/cancuocd.json
}

purge_removes_state() {
  ct dpkg -P cancuoc > /dev/null
  ! ct test -e /var/lib/cancuoc || { echo "/var/lib/cancuoc still there"; return 1; }
  ! ct test -e /etc/cancuoc/cancuocd.json || { echo "configuration still there"; return 1; }
  ! ct test -L /var/lib/prometheus/node-exporter/cancuoc.prom || { echo "metrics link still there"; return 1; }
}

# ---- the face check (docs/face-check.md) -----------------------------------------------------
# cancuoc-face (dist/cancuoc-face_VERSION_ARCH.deb, made by make deb) installed beside cancuoc:
# its matcher's own sandbox, then a face check through the packaged daemon (its unit's sandbox
# around the matcher it starts): a simulated card whose DG2 is a real photo (cancuoc sim
# --portrait), live frames from photos of the same and of another person (the public-domain
# test photos of make deps, .build/face/photos; made on the host, never committed), the counts in
# the inventory; removed again, the read still verifies and the check says unavailable.
# The runtime libraries of cancuoc-face (the container has no network when it is installed).
face_root_packages() {
  case $1 in
    bookworm) echo "libblas3,liblapack3,libjpeg62-turbo,libpng16-16,libopenjp2-7,libseccomp2" ;;
    *) echo "libblas3,liblapack3,libjpeg62-turbo,libpng16-16t64,libopenjp2-7,libseccomp2" ;;
  esac
}

# The package and the pictures, made once on the host into $work/face.
face_prepare() {
  local photos=${SYSTEM_TEST_FACE_PHOTOS:-$here/../.build/face/photos}
  face_deb=${SYSTEM_TEST_FACE_DEB:-$(dirname "$deb")/cancuoc-face_${version_n}_$(dpkg --print-architecture).deb}
  [ -f "$face_deb" ] || { face_skip="no $face_deb (make deb builds it)"; return; }
  [ -f "$photos/obama.jpg" ] || { face_skip="no test photos in $photos (make deps)"; return; }
  command -v convert > /dev/null || { face_skip="no ImageMagick convert (make test-deps)"; return; }
  mkdir -p "$work/face"
  convert "$photos/obama.jpg" -resize 240x320 -quality 75 "$work/face/portrait.jpg" 2> /dev/null
  convert "$photos/obama2.jpg" -resize x360 -gravity center -background gray50 -extent 480x360 -quality 70 "$work/face/obama2.jpg" 2> /dev/null
  # biden.jpg is a standing portrait (970×2204): its top 4:3 holds the face, ~135 px wide at 480×360.
  convert "$photos/biden.jpg" -gravity north -crop 970x728+0+0 +repage -resize 480x360 -quality 60 "$work/face/biden.jpg" 2> /dev/null
  # A desk on one connection: card.read with faceCheck, then face.check; prints the read's
  # status and the decision ("verified match").
  cat > "$work/face/desk.py" << 'PY'
import base64, json, socket, sys
id_number, frame = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.settimeout(120)
s.connect("/run/cancuoc/api.sock")
f = s.makefile("rwb")
def call(i, method, params):
    f.write((json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n").encode())
    f.flush()
    while True:
        line = f.readline()
        if not line:
            sys.exit("the daemon closed the connection")
        m = json.loads(line)
        if m.get("id") == i:
            return m
r = call(1, "card.read", {"key": {"id": id_number}, "waitForCardSeconds": 30, "faceCheck": True})
status = (r.get("result") or {}).get("verification", {}).get("status") or json.dumps(r)[:200]
if frame.endswith("/camera.jpg"):
    # The daemon's own camera (face.camera) takes the frames.
    c = call(2, "face.check", {"consent": True, "camera": True})
    print(status, (c.get("result") or {}).get("decision") or json.dumps(c)[:200], (c.get("result") or {}).get("source"))
    sys.exit(0)
c = call(2, "face.check", {"consent": True, "frames": [base64.b64encode(open(frame, "rb").read()).decode()]})
print(status, (c.get("result") or {}).get("decision") or json.dumps(c)[:200])
PY
  # The daemon's camera: a Y4M video of the holder moving a little (a file source stands for a
  # V4L2 camera; the containers have none).
  if command -v ffmpeg > /dev/null; then
    ffmpeg -loglevel error -y -loop 1 -i "$photos/obama2.jpg" -t 2 -r 10 \
      -vf "scale=-2:420,pad=540:420:(ow-iw)/2:0:gray,crop=480:360:30+20*sin(t*5):30+15*cos(t*4)" \
      -pix_fmt yuv420p -f yuv4mpegpipe "$work/face/camera.y4m" || rm -f "$work/face/camera.y4m"
  fi
}

# The daemon's camera under the packaged unit: the drop-in the package ships installed, the
# camera (a Y4M file in the state directory) named in a cancuocd.json drop-in; a desk asks
# face.check with camera: true. Both drop-ins removed again afterwards.
face_camera() {
  [ -f "$work/face/camera.y4m" ] || { echo "no camera video (ffmpeg missing on the host)"; return 1; }
  ct test -f /usr/share/cancuoc/systemd/cancuocd-camera.conf || { echo "the package has no camera drop-in"; return 1; }
  ct install -D -m 0644 /usr/share/cancuoc/systemd/cancuocd-camera.conf /etc/systemd/system/cancuocd.service.d/camera.conf
  ct install -o cancuoc -g cancuoc -m 0600 /srv/system-test/face/camera.y4m /var/lib/cancuoc/camera.y4m
  ct sh -c 'echo "{\"face\": {\"camera\": {\"device\": \"/var/lib/cancuoc/camera.y4m\", \"type\": \"y4m\", \"width\": 480, \"height\": 360}}}" > /etc/cancuoc/cancuocd.json.d/60-camera.json'
  ct systemctl daemon-reload
  ct systemctl restart cancuocd.service
  local allowed got result=0
  allowed=$(ct systemctl show -p DeviceAllow -p SupplementaryGroups cancuocd.service)
  echo "$allowed" | grep -q 'char-81 rw' && echo "$allowed" | grep -q 'SupplementaryGroups=video' \
    || { echo "the unit did not take the drop-in: $allowed"; result=1; }
  got=$(ct runuser -u his -- timeout 150 python3 /srv/system-test/face/desk.py "$id" /srv/system-test/face/camera.jpg 2>&1)
  [ "$got" = "verified match daemonCamera" ] || { echo "desk: $got (expected verified match daemonCamera)"; result=1; }
  ct rm -f /etc/systemd/system/cancuocd.service.d/camera.conf /etc/cancuoc/cancuocd.json.d/60-camera.json /var/lib/cancuoc/camera.y4m
  ct systemctl daemon-reload
  ct systemctl restart cancuocd.service
  return $result
}

face_desk() { ct runuser -u his -- timeout 150 python3 /srv/system-test/face/desk.py "$id" "/srv/system-test/face/$1.jpg"; }
face_desk_says() { local got; got=$(face_desk "$1" 2>&1); [ "$got" = "$2" ] || { echo "desk: $got (expected $2)"; return 1; }; }

# The card on the simulator becomes one with a real portrait (its own trust anchors).
face_card() {
  ct systemctl stop cardsim.service 2> /dev/null || true
  ct systemctl reset-failed cardsim.service 2> /dev/null || true
  ct rm -rf /etc/cancuoc/trust/sim-face
  ct mkdir -p /etc/cancuoc/trust/sim-face
  ct systemd-run -q --unit=cardsim-face cancuoc sim --port 35963 --profile "$profile" \
    --portrait /srv/system-test/face/portrait.jpg --trust-out /etc/cancuoc/trust/sim-face
  ct_until 20 sh -c 'ls /etc/cancuoc/trust/sim-face | grep -q .' || { echo "the simulator wrote no trust anchors"; return 1; }
  status_is verified
}

face_checks_counted() {
  local counts
  counts=$(ct runuser -u his -- timeout 20 cancuoc call inventory.summary \
    | python3 -c 'import json, sys; d = json.load(sys.stdin); d = d.get("result", d); print(json.dumps(d["totals"]["faceChecks30Days"], sort_keys=True))') \
    || { echo "inventory.summary has no faceChecks30Days"; return 1; }
  [ "$counts" = '{"match": 1, "noMatch": 1}' ] || { echo "faceChecks30Days: $counts"; return 1; }
}

# Nothing of a face in the journal or the state directory: no piece of the frames' base64.
face_nothing_kept() {
  local piece
  piece=$(base64 -w0 "$work/face/obama2.jpg" | cut -c2001-2064)
  ! ct journalctl -b --no-pager -o cat | grep -qF "$piece" || { echo "a frame in the journal"; return 1; }
  ! ct grep -rqF "$piece" /var/lib/cancuoc || { echo "a frame in /var/lib/cancuoc"; return 1; }
  ct journalctl -b --no-pager -o cat -u cancuocd.service | grep 'face.check' | grep -q match \
    || { echo "no face.check line with its decision in the daemon's journal"; return 1; }
}

face_removed() {
  ct dpkg -r cancuoc-face > /dev/null || { echo "dpkg -r cancuoc-face failed"; return 1; }
  # No restart: the daemon's warm matcher sees its file gone and the next check is unavailable.
  ct test -e /usr/bin/cancuoc || { echo "cancuoc went with cancuoc-face"; return 1; }
  face_desk_says obama2 "verified unavailable"
}

face_checks() {
  local names=("cancuoc-face installs beside cancuoc (its runtime libraries only)"
    "the installed matcher refuses sockets, opening files, executable memory and fork (--check-sandbox)"
    "face check through the packaged daemon: the same person → match"
    "face check through the packaged daemon: another person → noMatch"
    "inventory.summary counts the face checks by decision"
    "nothing of a face in the journal or the state directory"
    "cancuoc-face removed: the read still verifies, the face check says unavailable"
    "the daemon's own camera under the unit with its drop-in (a Y4M file): match, source daemonCamera")
  if [ -n "${face_skip:-}" ]; then
    local n
    for n in "${names[@]}"; do skip "face: $n" "$face_skip"; done
    return
  fi
  cp -a "$work/face" "$run/root/srv/system-test/face"
  cp "$face_deb" "$run/root/srv/system-test/face.deb"
  check "face: ${names[0]}" ct dpkg -i /srv/system-test/face.deb
  check "face: ${names[1]}" ct /usr/lib/cancuoc/cancuoc-face-matcher --models /usr/share/cancuoc-face/models --check-sandbox
  local failed_before=$failed
  check "face: a simulated card with a real portrait (cancuoc sim --portrait) reads verified" face_card
  if [ "$failed" = "$failed_before" ]; then
    check "face: ${names[2]}" face_desk_says obama2 "verified match"
    check "face: ${names[3]}" face_desk_says biden "verified noMatch"
    check "face: ${names[4]}" face_checks_counted
    check "face: ${names[5]}" face_nothing_kept
    check "face: ${names[7]}" face_camera
    check "face: ${names[6]}" face_removed
  fi
  # Back to the card the other checks read.
  ct systemctl stop cardsim-face.service 2> /dev/null || true
  ct systemctl reset-failed cardsim.service cardsim-face.service 2> /dev/null || true
  ct rm -rf /etc/cancuoc/trust/sim-face
  ct systemd-run -q --unit=cardsim cancuoc sim --port 35963 --profile "$profile" --trust-out /etc/cancuoc/trust
  ct_until 20 sh -c 'ls /etc/cancuoc/trust | grep -q .' || true
}

# ---- the fleet (docs/fleet.md) ------------------------------------------------------
# The status of one read by the group member ("verified", "unverified", "failed"), or the error.
read_status() {
  local out
  out=$(ct runuser -u his -- timeout 60 cancuoc call card.read "{\"key\":{\"id\":\"$id\"},\"waitForCardSeconds\":30}" 2>&1) || true
  sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<< "$out" | head -1 | grep . || echo "error: ${out:0:200}"
}
status_is() { local got; got=$(read_status); [ "$got" = "$1" ] || { echo "read: $got (expected $1)"; return 1; }; }
# apt without Debian's own sources (the container has no network; the province's repository is
# on its loopback).
ct_apt() { ct env DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0 "$@" < /dev/null; }

repository_added_with_signed_by() {
  ct sh -c 'mv /etc/apt/sources.list /etc/apt/sources.list.off 2>/dev/null; rm -f /etc/apt/sources.list.d/debian.sources' || true
  ct systemd-run -q --unit=repo-http python3 -m http.server 8000 --bind 127.0.0.1 --directory /srv/www
  ct_until 20 python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8000/repo/")' || { echo "http.server not up"; return 1; }
  ct_apt install -y /srv/system-test/repo-n/cancuoc-repo-systemtest_1_all.deb > /dev/null || { echo "clinic package not installed"; return 1; }
  local sources
  sources=$(ct cat /etc/apt/sources.list.d/cancuoc-systemtest.sources)
  grep -qx "Suites: $release" <<< "$sources" && grep -qx "Signed-By: /usr/share/keyrings/cancuoc-systemtest.gpg" <<< "$sources" \
    || { echo "$sources"; return 1; }
  ct_apt update > /dev/null || { echo "apt-get update failed"; return 1; }
  # Captured first: `… | grep -q` under pipefail fails when grep's early exit kills the writer (SIGPIPE).
  local policy
  policy=$(ct apt-cache policy cancuoc)
  grep -q "127.0.0.1:8000/repo $release/main" <<< "$policy" || { echo "$policy"; return 1; }
}

foreign_repository_refused() {
  local out status=0
  ct sh -c "printf 'Types: deb\nURIs: http://127.0.0.1:8000/foreign\nSuites: $release\nComponents: main\nSigned-By: /usr/share/keyrings/cancuoc-systemtest.gpg\n' > /etc/apt/sources.list.d/foreign.sources"
  out=$(ct_apt update 2>&1) || status=$?
  ct rm -f /etc/apt/sources.list.d/foreign.sources
  ct_apt update > /dev/null 2>&1 || true
  grep -Eqi "NO_PUBKEY|not signed|Missing key|couldn.t be verified|signature" <<< "$out" || { echo "exit $status: $(tail -3 <<< "$out")"; return 1; }
  ! ct sh -c 'ls /var/lib/apt/lists/ | grep -q "_foreign_.*Packages"' || { echo "the foreign repository's package list was accepted"; return 1; }
}

preseeded_install() {
  ct sh -c 'printf "cancuoc cancuoc/facility-id string 79999\ncancuoc cancuoc/facility-name string Trạm y tế Hệ thống\ncancuoc cancuoc/his-origins string https://his.example.vn http://127.0.0.1:8080\n" | debconf-set-selections'
  ct_apt install -y cancuoc > /dev/null 2>&1 || { echo "apt-get install failed"; return 1; }
  ct usermod -aG cancuoc his
  # Preseeded answers are "seen" (*): an interactive frontend would not ask them either.
  [ "$(ct debconf-show cancuoc | grep -c '^\* cancuoc/')" = 3 ] || { ct debconf-show cancuoc; return 1; }
  ct dpkg-query -W -f '${Version}' cancuoc | grep -qx "$version_n" || { echo "installed $(ct dpkg-query -W -f '${Version}' cancuoc), expected $version_n"; return 1; }
  ct grep -q '"id": "79999"' /etc/cancuoc/cancuocd.json.d/50-debconf.json || { echo "no drop-in"; return 1; }
  ! ct grep -q 79999 /etc/cancuoc/cancuocd.json || { echo "the conffile was edited"; return 1; }
  hello_as his | grep -q '"facilityId":"79999"' || { echo "hello: $(hello_as his | cut -c1-200)"; return 1; }
  ct runuser -u his -- timeout 20 cancuoc call inventory.summary | grep -q '"id":"79999"' || { echo "inventory.summary lacks the facility id"; return 1; }
}

reconfigure_changes_the_dropin() {
  ct sh -c 'echo "cancuoc cancuoc/facility-name string Trạm y tế Mới" | debconf-set-selections'
  ct dpkg-reconfigure -f noninteractive cancuoc > /dev/null 2>&1 || { echo "dpkg-reconfigure failed"; return 1; }
  ct grep -q 'Trạm y tế Mới' /etc/cancuoc/cancuocd.json.d/50-debconf.json || { echo "drop-in unchanged"; return 1; }
  hello_as his | grep -q '"facility":"Trạm y tế Mới"' || { echo "hello: $(hello_as his | cut -c1-200)"; return 1; }
}

trust_package_live() {
  local before
  ct systemctl stop cardsim.service 2> /dev/null || true
  ct sh -c 'rm -rf /etc/cancuoc/trust/* /srv/trust-src; mkdir -p /srv/trust-src'
  # Slowed (40 ms an APDU) so that a read lasts long enough to be in flight during an upgrade.
  ct systemd-run -q --unit=cardsim-fleet cancuoc sim --port 35963 --profile "$profile" --latency 40 --trust-out /srv/trust-src
  ct_until 20 sh -c 'ls /srv/trust-src | grep -q .' || { echo "the simulator wrote no trust anchors"; return 1; }
  status_is unverified || return 1
  before=$(main_pid)
  ct sh -c 'cd /srv && cancuoc trust package /srv/trust-src --name cancuoc-trust-systemtest --version 1 --out /srv' > /dev/null || { echo "trust package not built"; return 1; }
  ct dpkg -i /srv/cancuoc-trust-systemtest_1_all.deb > /dev/null || { echo "dpkg -i failed"; return 1; }
  ct test -L /etc/cancuoc/trust/cancuoc-trust-systemtest || { echo "no link in the trust directory"; return 1; }
  status_is verified || return 1
  ct dpkg -r cancuoc-trust-systemtest > /dev/null
  status_is unverified || return 1
  [ "$(main_pid)" = "$before" ] || { echo "the daemon was restarted ($before → $(main_pid))"; return 1; }
  ct dpkg -i /srv/cancuoc-trust-systemtest_1_all.deb > /dev/null
}

# Parsed, not cut with sed: the totals hold objects (outcomes30Days, faceChecks30Days) in any order.
reads_total() { ct runuser -u his -- timeout 20 cancuoc call inventory.summary | python3 -c 'import json, sys; d = json.load(sys.stdin); d = d.get("result", d); print(d["totals"]["last30Days"]["reads"])'; }

# The state an upgrade or a downgrade must keep: both drop-ins, the facility, the reads.
state_kept() {
  local reads_before=$1 reads
  ct grep -q '"id": "79999"' /etc/cancuoc/cancuocd.json.d/50-debconf.json || { echo "50-debconf.json lost"; return 1; }
  ct grep -q '"logLevel": "debug"' /etc/cancuoc/cancuocd.json.d/90-local.json || { echo "90-local.json lost"; return 1; }
  hello_as his | grep -q '"facilityId":"79999"' || { echo "facility lost"; return 1; }
  reads=$(reads_total)
  [ -n "$reads" ] && [ "$reads" -ge "$reads_before" ] || { echo "reads $reads_before → '$reads'"; return 1; }
}

# N → N+1 by unattended-upgrades with a read in flight: that read completes, or is answered
# 1009 (the daemon is stopping; retry); the next read is verified.
unattended_upgrade_during_a_read() {
  local reads inflight status=0 pid_before
  ct sh -c 'echo "{\"logLevel\": \"debug\"}" > /etc/cancuoc/cancuocd.json.d/90-local.json'
  ct systemctl restart cancuocd.service
  status_is verified || return 1
  reads=$(reads_total)
  ct sh -c 'printf "%s\n" "Unattended-Upgrade::Origins-Pattern:: \"origin=cancuoc-systemtest,label=cancuoc-systemtest\";" > /etc/apt/apt.conf.d/51cancuoc-unattended'
  ct ln -sfn /srv/system-test/repo-next /srv/www/repo
  ct_apt update > /dev/null || { echo "apt-get update failed"; return 1; }
  # A desk reading all the time: one read after another (each about 1.5 s on the slowed
  # card) from before the upgrade until after it, one line per read: its status or error code.
  ct rm -f /tmp/reads.out /tmp/reads.stop
  ct systemd-run -q --unit=desk-reads sh -c "until [ -e /tmp/reads.stop ]; do out=\$(runuser -u his -- timeout 60 cancuoc call card.read '{\"key\":{\"id\":\"$id\"},\"waitForCardSeconds\":30}' 2>&1); case \$out in *'\"status\":\"verified\"'*) echo verified ;; *) echo \"\$out\" | grep -o '\"code\":-\\?[0-9]*' | head -1 | grep . || echo \"other: \$(echo \$out | cut -c1-100)\" ;; esac >> /tmp/reads.out; done"
  ct_until 20 test -s /tmp/reads.out || { echo "the desk's reads did not start"; return 1; }
  pid_before=$(main_pid)
  ct unattended-upgrade > /dev/null 2>&1 || status=$?
  sleep 2
  ct touch /tmp/reads.stop
  ct_until 60 sh -c '! systemctl is-active -q desk-reads.service' || { echo "the desk's reads never ended"; return 1; }
  inflight=$(ct cat /tmp/reads.out)
  # What the desk saw, shown after the check.
  echo "unattended-upgrade exit $status; the desk's $(wc -l <<< "$inflight") reads during the upgrade: $(sort <<< "$inflight" | uniq -c | tr -s ' \n' ' ')" > "$work/inflight.txt"
  [ "$(main_pid)" != "$pid_before" ] || { echo "the daemon was not restarted by the upgrade"; return 1; }
  ct dpkg-query -W -f '${Version}' cancuoc | grep -qx "$version_next" || { echo "not upgraded: $(ct dpkg-query -W -f '${Version}' cancuoc)"; ct tail -20 /var/log/unattended-upgrades/unattended-upgrades.log; return 1; }
  # Every read verified, or refused retryably (-32000 stopping, 1009 cancelled); none lost.
  ! grep -v -x -e verified -e '"code":-32000' -e '"code":1009' <<< "$inflight" || { echo "a read was lost: $(grep -v -x -e verified -e '"code":-32000' -e '"code":1009' <<< "$inflight" | head -2)"; return 1; }
  status_is verified || return 1
  state_kept "$reads"
}

downgrade_keeps_state() {
  local reads out policy
  reads=$(reads_total)
  # The province withdraws N+1: it publishes N again, in a newer Release.
  ct ln -sfn /srv/system-test/repo-back /srv/www/repo
  out=$(ct_apt update 2>&1) || { echo "apt-get update failed: $(tail -3 <<< "$out")"; return 1; }
  policy=$(ct apt-cache policy cancuoc)
  grep -q " $version_n " <<< "$policy" || { echo "apt update: $(tail -4 <<< "$out" | tr '\n' ' ') policy: $(tr '\n' ' ' <<< "$policy")"; return 1; }
  out=$(ct_apt install -y --allow-downgrades "cancuoc=$version_n" 2>&1) || { echo "apt-get install cancuoc=$version_n failed: $(tail -4 <<< "$out" | tr '\n' ' ')"; return 1; }
  ct dpkg-query -W -f '${Version}' cancuoc | grep -qx "$version_n" || { echo "still $(ct dpkg-query -W -f '${Version}' cancuoc)"; return 1; }
  status_is verified || return 1
  state_kept "$reads"
}

# ---- CRLs kept fresh (docs/fleet.md § CRLs) ------------------------------------------
# The card's CRLs (cancuoc sim --crl-out) served by the province's mirror (http.server on the
# loopback, started by repository_added_with_signed_by); the timer's service fetches them.
crl_serve() { ct cp "/srv/crl-src/$1" /srv/www/crl/csca.crl; }
crl_fetch() { ct systemctl start cancuoc-crl-update.service; }
crl_journal_has() { ct journalctl --no-pager -u cancuoc-crl-update.service -o cat | grep -F "$1" | head -2 | grep .; }
read_output() { ct runuser -u his -- timeout 60 cancuoc call card.read "{\"key\":{\"id\":\"$id\"},\"waitForCardSeconds\":30}" 2>&1 || true; }

crl_timer_installed() {
  ct systemctl is-enabled -q cancuoc-crl-update.timer || { echo "timer not enabled"; return 1; }
  ct systemctl is-active -q cancuoc-crl-update.timer || { echo "timer not active"; return 1; }
  [ "$(ct systemctl show -P Unit cancuoc-crl-update.timer)" = cancuoc-crl-update.service ] || return 1
  [ "$(ct readlink /etc/cancuoc/trust/fetched-crls)" = /var/lib/cancuoc/crl ] || { echo "no fetched-crls link"; return 1; }
}

crl_setup() {
  ct systemctl stop cardsim-fleet.service cardsim.service 2> /dev/null || true
  ct sh -c 'rm -rf /srv/crl-src /srv/www/crl /etc/cancuoc/trust/crl-check /var/lib/cancuoc/crl/*; mkdir -p /srv/www/crl'
  ct systemd-run -q --unit=cardsim-crl cancuoc sim --port 35963 --profile "$profile" --trust-out /etc/cancuoc/trust/crl-check --crl-out /srv/crl-src
  ct_until 20 test -s /srv/crl-src/foreign.crl || { echo "the simulator wrote no CRLs"; return 1; }
  ct sh -c 'echo "{\"crlUpdate\": {\"urls\": [\"http://127.0.0.1:8000/crl/csca.crl\"], \"timeoutSeconds\": 20}}" > /etc/cancuoc/cancuocd.json.d/60-crl.json'
  status_is verified
}

crl_expired_in_the_verdict() {
  local out
  crl_serve expired.crl
  crl_fetch || { echo "the service failed on an expired CRL"; ct journalctl --no-pager -u cancuoc-crl-update.service -n 5 -o cat; return 1; }
  out=$(read_output)
  grep -q 'revocation not checked: the CRL expired on' <<< "$out" || { echo "read: ${out:0:300}"; return 1; }
}

crl_revoking_fetched() {
  local before
  before=$(main_pid)
  crl_serve revokes-ds.crl
  crl_fetch || { echo "the service failed"; ct journalctl --no-pager -u cancuoc-crl-update.service -n 5 -o cat; return 1; }
  status_is failed || return 1
  [ "$(main_pid)" = "$before" ] || { echo "the daemon was restarted"; return 1; }
}

# The province sees the clinic's trust: the newest CRL's date and the trust package, in the
# inventory and in the metrics textfile (rewritten every metricsIntervalSeconds, 60 s).
crl_in_the_inventory() {
  local summary issued
  summary=$(ct runuser -u his -- timeout 20 cancuoc call inventory.summary)
  issued=$(sed -n 's/.*"newestCRLIssued":"\([0-9-]*\)T.*/\1/p' <<< "$summary")
  [ "$issued" = "$(date -u +%F)" ] || { echo "inventory.summary trust: $(grep -o '"trust":{[^}]*' <<< "$summary")"; return 1; }
  grep -q '"name":"cancuoc-trust-systemtest","version":"1"' <<< "$summary" || { echo "no trust package in inventory.summary"; return 1; }
  # The first rewrite after the CRLs came (at most a minute).
  ct_until 75 grep -q '^cancuoc_trust_crl_issued_timestamp_seconds [0-9]' /var/lib/cancuoc/metrics/cancuoc.prom \
    || { echo "metrics: $(ct grep '^cancuoc_trust' /var/lib/cancuoc/metrics/cancuoc.prom | tr '\n' ' ')"; return 1; }
  ct grep -q '^cancuoc_trust_package_info{package="cancuoc-trust-systemtest",version="1"} 1' /var/lib/cancuoc/metrics/cancuoc.prom \
    || { echo "no trust package in the metrics"; return 1; }
}

crl_foreign_refused() {
  local before
  before=$(ct sh -c 'cat /var/lib/cancuoc/crl/*.crl' | md5sum)
  crl_serve foreign.crl
  ! crl_fetch 2> /dev/null || { echo "the service accepted a CRL signed by another key"; return 1; }
  crl_journal_has "signature does not verify" > /dev/null || { echo "no refusal in the journal"; return 1; }
  [ "$(ct sh -c 'cat /var/lib/cancuoc/crl/*.crl' | md5sum)" = "$before" ] || { echo "the installed CRL changed"; return 1; }
  status_is failed
}

crl_rollback_refused() {
  crl_serve expired.crl
  ! crl_fetch 2> /dev/null || { echo "an older CRL replaced the newer one"; return 1; }
  crl_journal_has "no rollback" > /dev/null || { echo "no refusal in the journal"; return 1; }
  status_is failed
}

crl_cleanup() {
  ct sh -c 'rm -rf /etc/cancuoc/cancuocd.json.d/60-crl.json /etc/cancuoc/trust/crl-check /var/lib/cancuoc/crl/*'
  ct systemctl stop cardsim-crl.service 2> /dev/null || true
}

crl_checks() {
  check "crl: the .deb enables cancuoc-crl-update.timer; fetched-crls links to its state" crl_timer_installed
  check "crl: a card of another CSCA, no CRL yet: verified" crl_setup
  check "crl: an expired CRL is installed and the verdict says so in words" crl_expired_in_the_verdict
  check "crl: the timer's service fetches a CRL listing the card's DS: the next read is failed (no restart)" crl_revoking_fetched
  check "crl: inventory.summary and the metrics show the newest CRL and the trust package" crl_in_the_inventory
  check "crl: a CRL signed by another key is refused and logged; the installed one stays" crl_foreign_refused
  check "crl: an older CRL does not replace the newer one (no rollback)" crl_rollback_refused
  crl_cleanup
}

fleet_checks() {
  check "fleet: the clinic package adds the repository (deb822, Signed-By); apt update" repository_added_with_signed_by
  check "fleet: a repository signed by another key is refused by apt" foreign_repository_refused
  check "fleet: preseeded apt-get install, no prompt; facility id in hello and the inventory" preseeded_install
  check "fleet: dpkg-reconfigure changes the drop-in, the daemon takes it" reconfigure_changes_the_dropin
  check "fleet: a trust package turns unverified into verified without a restart, and back" trust_package_live
  check "fleet: N → N+1 by unattended-upgrades during a read; drop-ins and reads kept" unattended_upgrade_during_a_read
  [ -f "$work/inflight.txt" ] && echo "NOTE $release  $(cat "$work/inflight.txt")" && rm -f "$work/inflight.txt"
  check "fleet: N+1 → N downgrade keeps drop-ins and reads" downgrade_keeps_state
  crl_checks
}

test_release() {
  local t0 t1 t2 t3 secs
  t0=$(date +%s%N)
  secs=$(ensure_root "$release") || { fail "debootstrap" "see $cache/$release.debootstrap.log"; return; }
  t1=$(date +%s%N)
  boot "$release" || { fail "boot with systemd-nspawn"; return; }
  t2=$(date +%s%N)
  # SYSTEM_TEST_FLEET_ONLY=1: only the fleet checks (docs/fleet.md), to iterate on them.
  if [ -n "${SYSTEM_TEST_FLEET_ONLY:-}" ]; then
    ct useradd -m his
    ct systemctl start pcscd.service
    fleet_checks
    t3=$(date +%s%N)
    printf 'TIME %-9s fleet checks only %.1fs\n' "$release" "$(awk -v a="$t2" -v b="$t3" 'BEGIN { print (b - a) / 1e9 }')"
    [ "$failed" = 0 ] || ct journalctl --no-pager -u cancuocd.service -n 30 -o short-monotonic || true
    stop_container
    return
  fi

  check "dpkg -i of the previous build (runtime dependencies only)" ct dpkg -i /srv/system-test/previous.deb
  check "user and group cancuoc created" ct sh -c 'getent passwd cancuoc && getent group cancuoc'
  check "cancuocd.socket enabled and listening" ct sh -c 'systemctl is-enabled -q cancuocd.socket && systemctl is-active -q cancuocd.socket'
  check "socket cancuoc:cancuoc 0660" socket_is
  ct useradd -m his; ct usermod -aG cancuoc his
  ct useradd -m outsider
  check "socket activation answers hello (group member)" hello_as his
  check "a user outside the group gets EACCES" outsider_refused
  ct systemctl start pcscd.service
  ct systemd-run -q --unit=cardsim cancuoc sim --port 35963 --profile "$profile" --trust-out /etc/cancuoc/trust
  check "a group member reads the simulated card, verified" read_card_as_member
  check "a group member may subscribe with records: true" subscribe_records_as_member
  check "browser endpoint: cancuocd-web.socket on loopback, page served, foreign origin 403" web_endpoint
  face_checks

  ct sed -i 's/"name": null/"name": "System Test Clinic"/' /etc/cancuoc/cancuocd.json
  check "upgrade keeps the configuration and the usage database, restarts the daemon" upgrade_keeps_state

  check "systemd accepts DeviceAllow=char-166 (no /proc/devices lookup)" device_allow_by_major
  level=$(exposure || true)
  check "systemd-analyze security cancuocd.service: exposure ${level:-?} ≤ 1.0" at_most_1 "$level"
  check "metrics textfile read by prometheus-node-exporter" metrics_reach_node_exporter
  check "rollup --prometheus runs (libcurl); contrib/prometheus installed" prometheus_rollup_cli
  nice_limit=$(nice_limit || true)
  check "stopping the service keeps the socket; the next client starts it" stop_keeps_socket
  check "kill -9: the next client is served" served_after_kill_9
  check "a broken configuration (exit 78) does not restart in a loop" broken_config_stops
  check "fixed configuration + reset-failed: served again" recovers_after_fix
  check "no SIGSYS in the journal" no_sigsys
  check "setpriority passes the syscall filter" setpriority_not_filtered
  if [ "$nice_limit" = 24 ]; then
    check "no thread-priority lines in the journal" no_thread_priority_lines
  elif ! prlimit --nice=24:24 true 2> /dev/null; then
    skip "no thread-priority lines in the journal" \
      "this host may not raise RLIMIT_NICE (CAP_SYS_RESOURCE is not in its bounding set, so --capability cannot give it), so systemd could not apply LimitNICE=-4 (cancuocd has $nice_limit; $(thread_priority_lines) thread-priority lines)"
  else
    fail "no thread-priority lines in the journal" "RLIMIT_NICE of cancuocd is '$nice_limit', not 24 (LimitNICE=-4)"
  fi
  check "dpkg -r stops the socket, keeps configuration and state" remove_keeps_state
  check "dpkg -P removes the state" purge_removes_state

  fleet_checks

  t3=$(date +%s%N)
  printf 'TIME %-9s debootstrap %ss (0: cached), copy+boot %.1fs, install+checks %.1fs\n' "$release" "$secs" \
    "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print (b - a) / 1e9 }')" "$(awk -v a="$t2" -v b="$t3" 'BEGIN { print (b - a) / 1e9 }')"
  if [ "$failed" -gt 0 ]; then
    echo "--- $release: cancuocd journal (last 30 lines)"
    ct journalctl --no-pager -u cancuocd.service -u cancuocd.socket -n 30 -o short-monotonic || true
  fi
  stop_container
}

# Runs a killed earlier test may have left behind.
for stale in "$cache"/run-*; do
  [ -d "$stale" ] || continue
  unmount_below "$stale"
  rm -rf "$stale"
done

# The "previous build": this .deb with a lower version, to test the upgrade path.
work=$(mktemp -d /tmp/cancuoc-system-test.XXXXXX)
trap 'stop_container; rm -rf "$work"' EXIT
dpkg-deb -R "$deb" "$work/previous"
sed -i 's/^Version: \(.*\)$/Version: \1~previous/' "$work/previous/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$work/previous" "$work/previous.deb" > /dev/null

# The province's repository (docs/fleet.md) with throwaway keys: N (this build), N+1 (the same
# binaries with a higher version), and one signed by a foreign key.
version_n=$(dpkg-deb -f "$deb" Version)
version_next="$version_n+next"
dpkg-deb -R "$deb" "$work/next"
sed -i "s/^Version: .*/Version: $version_next/" "$work/next/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$work/next" "$work/next.deb" > /dev/null
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'system test province <province@system-test.invalid>' ed25519 sign 1d
gpg --batch --quiet --passphrase '' --quick-gen-key 'someone else <foreign@system-test.invalid>' ed25519 sign 1d
make_repo() { REPO_PACKAGE_DIR=$work "$here/make-repo.sh" --province systemtest --url http://127.0.0.1:8000/repo --state "$work/state-$1" --out "$work/repo-$1" --key "$2" "${@:3}" > /dev/null; }
make_repo foreign foreign@system-test.invalid "$deb"
make_repo n province@system-test.invalid "$deb"
sleep 1
make_repo next province@system-test.invalid "$work/next.deb"
# N published again after N+1 (a withdrawn update): a newer Release, since apt keeps the
# newer of two Release files it is offered (no rollback by replaying an old one).
sleep 1
make_repo back province@system-test.invalid "$deb"

face_prepare
for release in "${releases[@]}"; do
  test_release
done
release=""
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
