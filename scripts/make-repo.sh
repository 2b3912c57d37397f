#!/usr/bin/env bash
# make repo: a signed apt repository of cancuoc for Debian 12 (bookworm) and 13 (trixie), built
# with reprepro (docs/fleet.md says why), plus the small package that adds it to a clinic PC.
#   Usage: scripts/make-repo.sh [options] DEB...
#     --key KEYID        the OpenPGP key that signs Release/InRelease (required; from $GNUPGHOME)
#     --out DIR          the published tree: copy DIR to any static web server (default dist/repo)
#     --state DIR        reprepro's database and conf/ (keep it with the key; default dist/repo-state)
#     --url URL          where clinics will find DIR (written into the .sources file)
#     --province NAME    lower-case ASCII name: package cancuoc-repo-NAME, Origin cancuoc-NAME
#     --codenames LIST   default "bookworm trixie"
# Packages already in the repository with the same version are kept (reprepro refuses to
# replace a published file with different content: bump the version instead).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
key="" out=$root/dist/repo state=$root/dist/repo-state url="" province="" codenames="bookworm trixie"
debs=()
usage() { sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --key) key=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --state) state=$2; shift 2 ;;
    --url) url=$2; shift 2 ;;
    --province) province=$2; shift 2 ;;
    --codenames) codenames=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "make-repo: unknown option $1" >&2; usage ;;
    *) debs+=("$1"); shift ;;
  esac
done
[ -n "$key" ] && [ -n "$url" ] && [ -n "$province" ] && [ ${#debs[@]} -gt 0 ] || usage
[[ $province =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "make-repo: --province must be lower-case letters, digits and '-' (got '$province')" >&2; exit 2; }
command -v reprepro > /dev/null || { echo "make-repo: reprepro is missing (make system-test-deps installs it)" >&2; exit 1; }
gpg --batch --list-secret-keys "$key" > /dev/null 2>&1 || { echo "make-repo: no secret key '$key' in ${GNUPGHOME:-~/.gnupg}" >&2; exit 1; }
fingerprint=$(gpg --batch --with-colons --list-secret-keys "$key" | awk -F: '$1 == "fpr" { print $10; exit }')
mkdir -p "$out" "$state/conf"
out=$(cd "$out" && pwd) state=$(cd "$state" && pwd)

# conf/distributions: one stanza per codename, all signed by the same key.
arch=$(dpkg --print-architecture)
: > "$state/conf/distributions"
for codename in $codenames; do
  cat >> "$state/conf/distributions" <<STANZA
Origin: cancuoc-$province
Label: cancuoc-$province
Codename: $codename
Architectures: $arch
Components: main
Description: cancuoc for the clinics of $province ($codename)
SignWith: $fingerprint

STANZA
done
printf 'outdir %s\nbasedir %s\n' "$out" "$state" > "$state/conf/options"

# The clinic's side: cancuoc-repo-PROVINCE (Architecture: all) holds the public key in
# /usr/share/keyrings/ and writes /etc/apt/sources.list.d/cancuoc-PROVINCE.sources for the
# PC's own codename, with Signed-By: so this key signs this repository and nothing else.
repo_version=${REPO_PACKAGE_VERSION:-1}
work=$(mktemp -d /tmp/cancuoc-repo.XXXXXX)
trap 'rm -rf "$work"' EXIT
pkg=$work/cancuoc-repo-$province
keyring=/usr/share/keyrings/cancuoc-$province.gpg
install -d "$pkg/DEBIAN" "$pkg/usr/share/keyrings" "$pkg/usr/share/cancuoc-repo-$province" "$pkg/usr/share/doc/cancuoc-repo-$province"
gpg --batch --export "$fingerprint" > "$pkg$keyring"
chmod 644 "$pkg$keyring"
cat > "$pkg/usr/share/cancuoc-repo-$province/sources.in" <<SOURCES
# cancuoc for the clinics of $province (written by cancuoc-repo-$province; docs/fleet.md)
Types: deb
URIs: $url
Suites: @CODENAME@
Components: main
Signed-By: $keyring
SOURCES
install -m644 "$root/debian/copyright" "$pkg/usr/share/doc/cancuoc-repo-$province/copyright"
printf 'cancuoc-repo-%s (%s) unstable; urgency=medium\n\n  * The repository %s,\n    key %s.\n\n -- %s  %s\n' \
  "$province" "$repo_version" "$url" "$fingerprint" "${DEB_MAINTAINER:-cancuoc maintainers <maintainers@cancuoc.example>}" \
  "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n > "$pkg/usr/share/doc/cancuoc-repo-$province/changelog.gz"
cat > "$pkg/DEBIAN/postinst" <<POSTINST
#!/bin/sh
# Adds the repository for this PC's Debian release (bookworm, trixie, …).
set -e
if [ "\$1" = configure ]; then
    codename=\$(. /etc/os-release && echo "\$VERSION_CODENAME")
    sed "s/@CODENAME@/\$codename/" /usr/share/cancuoc-repo-$province/sources.in > /etc/apt/sources.list.d/cancuoc-$province.sources.tmp
    chmod 644 /etc/apt/sources.list.d/cancuoc-$province.sources.tmp
    mv -f /etc/apt/sources.list.d/cancuoc-$province.sources.tmp /etc/apt/sources.list.d/cancuoc-$province.sources
fi
exit 0
POSTINST
cat > "$pkg/DEBIAN/postrm" <<POSTRM
#!/bin/sh
set -e
if [ "\$1" = remove ] || [ "\$1" = purge ]; then
    rm -f /etc/apt/sources.list.d/cancuoc-$province.sources
fi
exit 0
POSTRM
chmod 755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: cancuoc-repo-$province
Version: $repo_version
Architecture: all
Maintainer: ${DEB_MAINTAINER:-cancuoc maintainers <maintainers@cancuoc.example>}
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Section: misc
Priority: optional
Description: apt source and signing key of the cancuoc repository of $province
 Adds the province's repository to apt as a deb822 source whose
 Signed-By names only the province's key, so that this key signs this
 repository and nothing else. Install it from a copy handed over by the
 province, not downloaded from the repository itself: it is what makes the
 repository trusted.
 .
 Repository: $url
 Key: $fingerprint
CONTROL
repo_deb=${REPO_PACKAGE_DIR:-$root/dist}/cancuoc-repo-${province}_${repo_version}_all.deb
mkdir -p "$(dirname "$repo_deb")"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$repo_deb" > /dev/null

for codename in $codenames; do
  for deb in "${debs[@]}" "$repo_deb"; do
    reprepro --silent -b "$state" includedeb "$codename" "$deb"
  done
done
reprepro --silent -b "$state" export
# The public key beside the tree, to compare fingerprints with (never trust it for that alone).
gpg --batch --armor --export "$fingerprint" > "$out/cancuoc-$province.asc"
cp "$repo_deb" "$out/"
echo "repository: $out (signed by $fingerprint; codenames: $codenames)"
echo "clinic package: $repo_deb"
