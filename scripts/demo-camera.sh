#!/usr/bin/env bash
# The daemon's own camera (make demo calls it; docs/face-check.md § The daemon's camera): cancuocd
# with face.camera set, a simulated card whose portrait is a real photo, and a native HIS that
# reads the card and asks face.check with camera: true. The camera is a Y4M video made by ffmpeg
# from the public-domain test photos (make deps): first the holder moving a little, then a still
# picture of them held up to the camera.
#   Usage: scripts/demo-camera.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: demo-camera.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
photos="$here/../.build/face/photos"
stage=$(mktemp -d /tmp/cancuoc-camera-demo.XXXXXX)
trap 'rm -rf "$stage"' EXIT
video() {  # $1: moving or still
  local place="crop=640:480:40:40"
  [ "$1" = moving ] && place="crop=640:480:40+30*sin(t*5):40+20*cos(t*4)"
  ffmpeg -loglevel error -y -loop 1 -i "$photos/obama2.jpg" -t 2 -r 15 \
    -vf "scale=-2:560,pad=720:560:(ow-iw)/2:0:gray,$place" -pix_fmt yuv420p -f yuv4mpegpipe "$stage/camera.y4m"
}
video moving
convert "$photos/obama.jpg" -resize 360x480 -quality 75 "$stage/portrait.jpg" 2> /dev/null
# The shipped settings with a camera: a video file stands for /dev/video0.
python3 - "$here/../config/cancuocd.json" "$stage" << 'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["face"]["camera"].update({"device": sys.argv[2] + "/camera.y4m", "type": "y4m"})
json.dump(c, open(sys.argv[2] + "/cancuocd.json", "w"), indent=2)
PY
export DAEMON_CONFIG="$stage/cancuocd.json" DAEMON_LOG_LEVEL=${DAEMON_LOG_LEVEL:-info}
# From the build tree (the cancuoc-face package installs them under /usr/lib and /usr/share).
export CANCUOC_FACE_MATCHER="$BIN/cancuoc-face-matcher" CANCUOC_FACE_MODELS="$here/../.build/face/models"
source "$here/daemon-bench.sh"
# daemon-bench.sh set its own EXIT trap: the photos and the video go with the daemon.
trap 'cleanup; rm -rf "$stage"' EXIT
profile=${PROFILE:-tran-minh-khoa}
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dg13"]["idNumber"])' \
  "$root/Sources/CardSimulator/Profiles/$profile.json")
echo "== cancuocd with \"face\": {\"camera\": {\"device\": \"…/camera.y4m\", \"type\": \"y4m\"}} (a V4L2 camera in a clinic)"
"$BIN/cancuoc" sim --port "$port" --profile "$profile" --portrait "$stage/portrait.jpg" --trust-out "$work/trust" \
  > "$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "card inserted" "$work/sim.log" 2>/dev/null && break; sleep 0.1; done
desk() {  # a native HIS: read with faceCheck, the patient agrees, the daemon's camera looks
  python3 - "$socket" "$id" << 'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(120); s.connect(sys.argv[1]); f = s.makefile("rwb")
def call(i, method, params):
    f.write((json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n").encode()); f.flush()
    while True:
        m = json.loads(f.readline())
        if m.get("id") == i: return m
r = call(1, "card.read", {"key": {"id": sys.argv[2]}, "waitForCardSeconds": 20, "faceCheck": True})
print("[HIS]   card.read: " + r["result"]["verification"]["status"])
print('[HIS]   → face.check {"consent": true, "camera": true}')
c = call(2, "face.check", {"consent": True, "camera": True})["result"]
failed = [x["name"] for x in c["checks"] if x["outcome"] == "failed"]
print(f'[HIS]   {c["decision"]} (distance {c["distance"]}, source {c["source"]}, {c["frames"]} frames'
      + (f', failed: {", ".join(failed)}' if failed else "") + f'): {c["messageVi"]}')
PY
}
echo "-- the holder before the camera:"
desk
echo "-- a still picture of the holder held up to the camera:"
video still
desk
grep 'face.check' "$work/cancuocd.log" | sed 's/^/[log]   /' | tail -2 || true
echo "   (the log has the decision and the distance, nothing of the face)"
