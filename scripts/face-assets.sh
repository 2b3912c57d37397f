#!/usr/bin/env bash
# Face check assets (docs/face-check.md): the two dlib model files and the test photos, from PyPI sdists,
# checked against config/face/assets.sha256. Build time only: nothing downloads at run time.
#   scripts/face-assets.sh [--quiet] [DIR]   (default .build/face; DIR/models, DIR/photos)
#   --quiet: say nothing when the assets are already present and checked (make deps)
# An asset already present with the right sha256 is kept (no network then).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sums="$here/config/face/assets.sha256"
quiet=0
if [ "${1:-}" = "--quiet" ]; then quiet=1; shift; fi
dest=${1:-"$here/.build/face"}
mkdir -p "$dest/models" "$dest/photos" "$dest/sdist"

expected() { awk -v f="$1" '$1 !~ /^#/ && $2 == f { print $1 }' "$sums"; }
ok() { [ -f "$dest/$1" ] && [ "$(sha256sum "$dest/$1" | cut -d' ' -f1)" = "$(expected "$1")" ]; }

all_ok=1
for f in $(awk '$1 !~ /^#/ && NF == 2 && $2 ~ /\// { print $2 }' "$sums"); do ok "$f" || all_ok=0; done
if [ "$all_ok" = 1 ]; then
  [ "$quiet" = 1 ] || echo "face assets: present and checked in $dest"
  exit 0
fi

fetch() { # sdist name==version
  local file="$1" spec="$2"
  if [ ! -f "$dest/sdist/$file" ] || [ "$(sha256sum "$dest/sdist/$file" | cut -d' ' -f1)" != "$(expected "$file")" ]; then
    rm -f "$dest/sdist/$file"
    python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: "$spec" -d "$dest/sdist" >&2
  fi
  local got; got=$(sha256sum "$dest/sdist/$file" | cut -d' ' -f1)
  if [ "$got" != "$(expected "$file")" ]; then
    echo "face assets: $file has sha256 $got, expected $(expected "$file"); refusing it" >&2
    rm -f "$dest/sdist/$file"; exit 1
  fi
}
fetch face_recognition_models-0.3.0.tar.gz face_recognition_models==0.3.0
fetch face_recognition-1.3.0.tar.gz face_recognition==1.3.0

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tar -xzf "$dest/sdist/face_recognition_models-0.3.0.tar.gz" -C "$tmp" \
  face_recognition_models-0.3.0/face_recognition_models/models/shape_predictor_5_face_landmarks.dat \
  face_recognition_models-0.3.0/face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat
cp "$tmp"/face_recognition_models-0.3.0/face_recognition_models/models/*.dat "$dest/models/"
for p in biden obama obama2 obama3; do
  tar -xzf "$dest/sdist/face_recognition-1.3.0.tar.gz" -C "$tmp" "face_recognition-1.3.0/tests/test_images/$p.jpg"
  cp "$tmp/face_recognition-1.3.0/tests/test_images/$p.jpg" "$dest/photos/"
done
for f in $(awk '$1 !~ /^#/ && NF == 2 && $2 ~ /\// { print $2 }' "$sums"); do
  ok "$f" || { echo "face assets: $f does not match its recorded sha256" >&2; exit 1; }
done
chmod 644 "$dest"/models/*.dat "$dest"/photos/*.jpg
echo "face assets: fetched and checked into $dest"
