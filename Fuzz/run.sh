#!/usr/bin/env bash
# make fuzz (docs/fuzzing.md): build the libFuzzer binary once (release, fuzzer + address sanitizer),
# then run each target for FUZZ_SECONDS and print one summary line per target.
#   FUZZ_SECONDS=300 FUZZ_TARGETS="tlv dg13" make fuzz
# Crash, timeout and out-of-memory inputs land in Fuzz/artifacts/ (git-ignored); the corpus
# each run grows lives in Fuzz/corpus-work/<target>/ (git-ignored), seeded from Fuzz/Corpus/.
# One process per target, one target at a time: the machine is shared.
set -uo pipefail
cd "$(dirname "$0")"
SWIFT=${SWIFT:-swift}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}

# -max_len per target: a little above the largest real input of that kind.
max_len() {
  case "$1" in
    dg2|citizenRecord|fileReader) echo 32768 ;;
    jsonRPC|keySpec|sod|certificate|crlUpdate) echo 8192 ;;
    prometheusQuery|smartcardList) echo 16384 ;;
    mrz|qr|readerFeatures|tlvProperties|bac|address) echo 512 ;;
    pace) echo 1024 ;;
    *) echo 4096 ;;
  esac
}
dict_for() {
  case "$1" in
    jsonRPC|keySpec|prometheusQuery) echo json.dict ;;
    mrz|qr|readerFeatures|tlvProperties|address|smartcardList|y4mStream) echo "" ;;
    *) echo tlv.dict ;;
  esac
}
ALL="tlv commandAPDU responseAPDU mrz qr cardAccess efCOM dg1 dg2 dg13 dg14 dg15 sod certificate crlUpdate smResponse citizenRecord fileReader pace bac jsonRPC keySpec prometheusQuery readerFeatures tlvProperties smartcardList address y4mStream"
TARGETS=${FUZZ_TARGETS:-$ALL}

# swiftc keeps only the LAST -sanitize= flag, so SwiftPM's `--sanitize=fuzzer --sanitize=address`
# compiles Swift with ASan but WITHOUT coverage (libFuzzer then fuzzes blind: "no interesting
# inputs ... Is the code instrumented"). The trailing combined flag restores both; SwiftPM's
# own flags are still needed so the link pulls in libFuzzer.
BUILD=(-c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  $SWIFT build "${BUILD[@]}" || exit 1
fi
BIN="$($SWIFT build "${BUILD[@]}" --show-bin-path)/cancuoc-fuzz"
mkdir -p artifacts corpus-work logs

status=0
for t in $TARGETS; do
  mkdir -p "corpus-work/$t" "Corpus/$t"
  before=$(ls artifacts | grep -c "^$t-" || true)
  dict=$(dict_for "$t")
  log="logs/$t.log"
  FUZZ_TARGET=$t SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$BIN" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" \
    -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t-" ${dict:+-dict=$dict} \
    "corpus-work/$t" "Corpus/$t" >"$log" 2>&1
  rc=$?
  after=$(ls artifacts | grep -c "^$t-" || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$last")
  execs=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1)
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  printf '%-15s execs/s %-7s runs %-10s cov: %-6s ft: %-6s corp: %-5s crashes: %s%s\n' \
    "$t" "${execs:-?}" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$((after - before))" \
    "$([ $rc -ne 0 ] && echo "  (exit $rc, see Fuzz/$log)")"
  [ $rc -ne 0 ] && status=1
done
exit $status
