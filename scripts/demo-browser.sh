#!/usr/bin/env bash
# The browser demo (make demo calls it, docs/security.md): cancuocd with the browser endpoint, the
# simulated card on the reader, and headless Chromium on the reception page at
# http://127.0.0.1:PORT/ typing the ID number — the record, the verdict and the copy buttons
# as reception staff see them. The screenshot is saved under demo-output/ (git-ignored).
#   Usage: scripts/demo-browser.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: demo-browser.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
web_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DAEMON_ARGS="--web-listen 127.0.0.1:$web_port --web-files $here/../clients"
source "$here/daemon-bench.sh"
profile=${PROFILE:-tran-minh-khoa}
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dg13"]["idNumber"])' \
  "$root/Sources/CardSimulator/Profiles/$profile.json")
mkdir -p "$root/demo-output"
shot="$root/demo-output/reception-page.png"
echo "== the reception page: http://127.0.0.1:$web_port/ (headless Chromium)"
insert_card "$profile"
python3 "$here/demo_browser.py" "http://127.0.0.1:$web_port/" "$id" "$shot"
echo "== an HIS page from an origin not configured is refused before the upgrade:"
curl -s -o /dev/null -w "   HTTP %{http_code} for Origin: https://evil.example\n" -H "Origin: https://evil.example" \
  -H "Upgrade: websocket" -H "Connection: Upgrade" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
  -H "Sec-WebSocket-Version: 13" "http://127.0.0.1:$web_port/api" || true
grep "refused a browser connection" "$work/cancuocd.log" | sed 's/^/   cancuocd: /' | tail -1
echo "== screenshot: $shot"
