#!/usr/bin/env bash
# Turns a staged install (make install DESTDIR=STAGE PREFIX=/usr) into dist/cancuoc_VERSION_ARCH.deb
# with the maintainer scripts and control template of debian/. No debhelper: dpkg-deb only.
#   Usage: scripts/make-deb.sh STAGE VERSION OUTDIR
set -euo pipefail
stage=${1:?usage: make-deb.sh STAGE VERSION OUTDIR}
version=${2:?usage: make-deb.sh STAGE VERSION OUTDIR}
outdir=${3:?usage: make-deb.sh STAGE VERSION OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-cancuoc maintainers <maintainers@cancuoc.example>}
doc=$stage/usr/share/doc/cancuoc

# The packaged configuration writes the metrics textfile; node_exporter finds it through the link.
conf=$stage/etc/cancuoc/cancuocd.json
sed -i 's|"metricsTextfile": null|"metricsTextfile": "/var/lib/cancuoc/metrics/cancuoc.prom"|' "$conf"
grep -q '"metricsTextfile": "/var/lib/cancuoc/metrics/cancuoc.prom"' "$conf" \
  || { echo "make-deb: could not set metricsTextfile in $conf" >&2; exit 1; }
install -d "$stage/var/lib/prometheus/node-exporter"
ln -sfn ../../cancuoc/metrics/cancuoc.prom "$stage/var/lib/prometheus/node-exporter/cancuoc.prom"
# The CRLs cancuoc-crl-update.service fetches live in its state directory; the daemon sees them
# through the trust directory (docs/fleet.md § CRLs). Absolute: another top-level directory.
ln -sfn /var/lib/cancuoc/crl "$stage/etc/cancuoc/trust/fetched-crls"
# Relative, as Debian wants within a top-level directory.
ln -sfn ../lib/cancuoc/cancuoc "$stage/usr/bin/cancuoc"

# Debian's documentation files: copyright and a one-entry changelog for this build.
install -m644 "$root/debian/copyright" "$doc/copyright"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
date=$(git -C "$root" log -1 --format=%aD 2>/dev/null || date -R)
printf 'cancuoc (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
  "$version" "$commit" "$maintainer" "$date" | gzip -9n > "$doc/changelog.gz"

install -d "$stage/DEBIAN"
install -m755 "$root/debian/postinst" "$root/debian/prerm" "$root/debian/postrm" "$root/debian/config" "$stage/DEBIAN/"
install -m644 "$root/debian/templates" "$stage/DEBIAN/"
echo /etc/cancuoc/cancuocd.json > "$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@INSTALLED_SIZE@|$size|" "$root/debian/control.in" > "$stage/DEBIAN/control"
(cd "$stage" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"

mkdir -p "$outdir"
deb=$outdir/cancuoc_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" > /dev/null
echo "$deb"
