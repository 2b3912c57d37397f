#!/usr/bin/env bash
# `make deps` on a machine where packages are missing (docs/design.md §9.5): the package lists are
# updated first and quietly, then only the missing packages are installed, once. Runs the
# real Makefile target against stand-in dpkg-query / apt-get / sudo / id on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
fake=$(mktemp -d /tmp/cancuoc-deps-test.XXXXXX)
trap 'rm -rf "$fake"' EXIT
log="$fake/calls"
cat > "$fake/dpkg-query" <<'SH'
#!/bin/sh
# Every package is installed except pcscd and opensc.
for last; do :; done
case "$last" in pcscd|opensc) exit 1 ;; *) printf 'install ok installed' ;; esac
SH
cat > "$fake/apt-get" <<SH
#!/bin/sh
echo "apt-get \$*" >> "$log"
case "\$1" in update) echo "Hit:1 http://deb.example stable InRelease" ;; esac
SH
cat > "$fake/id" <<'SH'
#!/bin/sh
echo 0
SH
chmod +x "$fake"/*
out=$(PATH="$fake:$PATH" make --no-print-directory deps 2>&1)
fail() { echo "deps-test: $1"; echo "--- make deps printed:"; echo "$out"; echo "--- calls:"; cat "$log" 2>/dev/null; exit 1; }
[ "$(sed -n 1p "$log")" = "apt-get update -qq" ] || fail "the first call is not a quiet apt-get update"
[ "$(sed -n 2p "$log")" = "apt-get install -y -qq --no-install-recommends pcscd opensc" ] || fail "the second call does not install exactly the missing packages"
[ "$(wc -l < "$log")" -eq 2 ] || fail "apt-get was called more than twice"
[ "$out" = "installing: pcscd opensc" ] || fail "make deps printed more than the one line"
# Nothing missing: apt-get is not called at all.
rm -f "$log"
cat > "$fake/dpkg-query" <<'SH'
#!/bin/sh
printf 'install ok installed'
SH
PATH="$fake:$PATH" make --no-print-directory deps >/dev/null 2>&1
[ ! -e "$log" ] || fail "apt-get was called although nothing was missing"
echo "deps-test: ok (update first and quietly, then only the missing packages)"
