#!/usr/bin/env bash
# The browser path (docs/security.md) against real processes: private pcscd + vpcd, the real cancuocd
# with --web-listen, the simulated card, headless Chromium (Debian's chromium and
# chromium-driver, driven by Selenium) and headless Firefox ESR (Debian's firefox-esr, driven
# through Marionette by marionette_driver). Needs root (pcsc-bench.sh uses unshare -m).
#   Usage: scripts/browser-test.sh BIN_DIR [pytest args…]
set -euo pipefail
BIN=${1:?usage: browser-test.sh BIN_DIR [pytest args]}
shift
BIN=$(cd "$BIN" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/Tests/Browser"
start=$(date +%s)
BIN=$BIN python3 -m pytest -q -p no:cacheprovider "$@"
echo "browser-test: ok in $(( $(date +%s) - start )) s"
