#!/usr/bin/env bash
# The second binary package, cancuoc-face (docs/face-check.md): the sandboxed face matcher and the two
# dlib model files, so that the base cancuoc package stays small and installs without them.
# No debhelper: dpkg-deb only, as scripts/make-deb.sh.
#   Usage: scripts/make-face-deb.sh MATCHER_BINARY MODELS_DIR VERSION OUTDIR
set -euo pipefail
matcher=${1:?usage: make-face-deb.sh MATCHER MODELS_DIR VERSION OUTDIR}
models=${2:?usage: make-face-deb.sh MATCHER MODELS_DIR VERSION OUTDIR}
version=${3:?usage: make-face-deb.sh MATCHER MODELS_DIR VERSION OUTDIR}
outdir=${4:?usage: make-face-deb.sh MATCHER MODELS_DIR VERSION OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-cancuoc maintainers <maintainers@cancuoc.example>}
stage=$(mktemp -d /tmp/cancuoc-face-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
doc=$stage/usr/share/doc/cancuoc-face

# The models as checked by scripts/face-assets.sh (their sha256 again here: what is packaged is
# what was checked).
for f in shape_predictor_5_face_landmarks.dat dlib_face_recognition_resnet_model_v1.dat; do
  want=$(awk -v f="models/$f" '$2 == f { print $1 }' "$root/config/face/assets.sha256")
  [ "$(sha256sum "$models/$f" | cut -d' ' -f1)" = "$want" ] || { echo "make-face-deb: $f does not match its sha256" >&2; exit 1; }
  install -Dm644 "$models/$f" "$stage/usr/share/cancuoc-face/models/$f"
done
install -Dm755 -s "$matcher" "$stage/usr/lib/cancuoc/cancuoc-face-matcher"
install -Dm644 "$root/debian/face/copyright" "$doc/copyright"
install -Dm644 "$root/docs/face-check.md" "$doc/face-check.md"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
date=$(git -C "$root" log -1 --format=%aD 2>/dev/null || date -R)
printf 'cancuoc-face (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
  "$version" "$commit" "$maintainer" "$date" | gzip -9n > "$doc/changelog.gz"

install -d "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@INSTALLED_SIZE@|$size|" "$root/debian/face/control.in" > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 755 "$stage"
chmod -R go-w "$stage"

mkdir -p "$outdir"
deb=$outdir/cancuoc-face_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" > /dev/null
echo "$deb"
