#!/usr/bin/env bash
# The demo: a private pcscd with the vpcd driver, the simulated CCCD card, and a real read.
set -euo pipefail
BIN=${1:?usage: demo.sh BIN_DIR}
"$BIN/cancuoc"
