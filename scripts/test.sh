#!/usr/bin/env bash
# Every test: set-up (scripts/bootstrap.sh), then the native suites (Release and ASan/UBSan),
# the WebAssembly suites in Node, and the end-to-end suites. Prints one closing line:
# "total: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs

bash scripts/bootstrap.sh || { echo "bootstrap failed"; echo "total: 0 passed, 1 failed"; exit 1; }

mkdir -p build/test-logs
passed=0
failed=0
suite_failures=()

# ctest prints "N% tests passed, F tests failed out of T".
run_ctest() {
  local name=$1; shift
  local log=build/test-logs/$name.log
  echo "== $name"
  "$@" 2>&1 | tee "$log" | grep -E '^\s*[0-9]+/[0-9]+ Test|tests passed|tests failed|\*\*\*' || true
  local line total bad
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)); suite_failures+=("$name (did not run; see $log)"); return
  fi
  bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + total - bad)); failed=$((failed + bad))
  [ "$bad" = 0 ] || suite_failures+=("$name")
}

# The shared cases (one GoogleTest test each: Cases/SharedCases.*, capi.Cases/CapiCases.*) in
# one process per runner: ctest starts a process per test, and under ASan or qemu that start-up
# (and loading every case file again) cost ~20 minutes for a few seconds of tests. GoogleTest
# prints "[  PASSED  ] N tests." and "[  FAILED  ] N tests, listed below:".
run_gtest() {
  local name=$1; shift
  local log=build/test-logs/$name.log
  echo "== $name"
  "$@" >"$log" 2>&1
  local rc=$? p f
  p=$(grep -E '^\[  PASSED  \] [0-9]+ tests?\.' "$log" | tail -1 | awk '{print $4}')
  f=$(grep -E '^\[  FAILED  \] [0-9]+ tests?, listed below' "$log" | tail -1 | awk '{print $4}')
  echo "$name: ${p:-0} passed, ${f:-0} failed (exit $rc)"
  if [ "${p:-0}" = 0 ] && [ -z "$f" ]; then  # nothing ran: a missing binary or cases
    failed=$((failed + 1)); suite_failures+=("$name (did not run; see $log)"); tail -30 "$log"; return
  fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "${f:-0}" != 0 ] || [ $rc != 0 ]; then
    suite_failures+=("$name")
    [ "${f:-0}" != 0 ] || failed=$((failed + 1))
    grep -E '^\[  FAILED  \]' "$log" | head -40
  fi
}

# The ctest suites without the per-case entries, then each case runner once ($1: preset,
# $2: its build directory, the rest: the emulator command, if any).
run_preset_with_cases() {
  local preset=$1 dir=$2; shift 2
  run_ctest "$preset" ctest --preset "$preset" -j2 -E 'Cases/'
  run_gtest "$preset-cases" "$@" "$dir/bin/ssokit_unit_tests" --gtest_filter='Cases/*'
  run_gtest "$preset-capi-cases" "$@" "$dir/bin/ssokit_capi_cases_tests"
}

# Every file's report counts: no --test-force-exit (it ended files before their last reports
# were written, and every test file now exits by itself once its tests are done). A hung test
# fails after 10 minutes; the whole node run is bounded too (timeout), so a file that stays
# alive after its tests fails the run instead of holding it until CI gives up.
NODE_TEST_FLAGS=()
node_help=$(node --help 2>/dev/null)
[[ $node_help == *--test-timeout* ]] && NODE_TEST_FLAGS+=(--test-timeout=600000)
NODE_RUN_SECONDS=${NODE_RUN_SECONDS:-5400}

# node --test prints "# pass N" and "# fail N".
run_node() {
  local name=$1; shift
  local log=build/test-logs/$name.log
  echo "== $name"
  timeout --kill-after=30 "$NODE_RUN_SECONDS" node --test --test-reporter=spec "${NODE_TEST_FLAGS[@]}" "$@" >"$log" 2>&1
  local rc=$?
  [ $rc != 124 ] || echo "node --test still running after $NODE_RUN_SECONDS s: stopped (see $log)" | tee -a "$log"
  grep -E '^\s*(✖|not ok)|^ℹ (tests|pass|fail)' "$log" | head -40
  local p f
  p=$(grep -E '^ℹ pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
  f=$(grep -E '^ℹ fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
  if [ -z "$p" ]; then
    failed=$((failed + 1)); suite_failures+=("$name (did not run; see $log)"); return
  fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" != 0 ] || [ $rc != 0 ]; then
    suite_failures+=("$name")
    [ "$f" != 0 ] || failed=$((failed + 1))
    tail -60 "$log"
  fi
}

run_ctest native ctest --preset native -j2

# A preset whose build fails is a failure, and its tests (a stale build's) are not run.
echo "== building asan"
if cmake --preset asan >build/test-logs/asan-build.log 2>&1 &&
   cmake --build --preset asan -j"$(nproc)" >>build/test-logs/asan-build.log 2>&1; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_preset_with_cases asan build/asan
else
  tail -30 build/test-logs/asan-build.log
  failed=$((failed + 1)); suite_failures+=("asan build (see build/test-logs/asan-build.log)")
fi

echo "== building armhf and aarch64 (cross, tests under qemu-user)"
if bash scripts/cross.sh armhf aarch64 >build/test-logs/cross.log 2>&1; then
  run_preset_with_cases armhf build/armhf qemu-arm -L /usr/arm-linux-gnueabihf
  run_preset_with_cases aarch64 build/aarch64 qemu-aarch64 -L /usr/aarch64-linux-gnu
else
  tail -30 build/test-logs/cross.log
  failed=$((failed + 1)); suite_failures+=("cross build (see build/test-logs/cross.log)")
fi

# Fuzzing, briefly (scripts/fuzz.sh: each libFuzzer target over its seed corpus; a crash fails).
echo "== fuzz (${FUZZ_SECONDS:=10} s per target)"
if FUZZ_SECONDS=$FUZZ_SECONDS bash scripts/fuzz.sh >build/test-logs/fuzz.log 2>&1; then
  passed=$((passed + 1))
else
  tail -30 build/test-logs/fuzz.log
  failed=$((failed + 1)); suite_failures+=("fuzz (see build/test-logs/fuzz.log)")
fi

mapfile -t node_tests < <(find tests/wasm tests/idp tests/platforms tests/e2e -name '*.test.mjs' 2>/dev/null | sort)
run_node wasm-and-node "${node_tests[@]}"

if [ ${#suite_failures[@]} -gt 0 ]; then
  echo "failing suites: ${suite_failures[*]} (logs in build/test-logs/)"
fi
echo "total: $passed passed, $failed failed"
[ "$failed" = 0 ]
