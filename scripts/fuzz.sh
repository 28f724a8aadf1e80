#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang-14, ASan + UBSan) and runs each one for
# the given time (--seconds N, or FUZZ_SECONDS; default 20) over a scratch copy of its seed corpus
# (tests/fuzz/corpus/<target>/, never written to). Total time: about 18 x that plus the build.
#
#   scripts/fuzz.sh                         all targets, 20 s each
#   scripts/fuzz.sh url jws                 only these (names without the fuzz_ prefix)
#   scripts/fuzz.sh --seconds 600           10 minutes each (what bench/run.sh runs)
#   FUZZ_SECONDS=300 scripts/fuzz.sh
#   FUZZ_SKIP_BUILD=1 scripts/fuzz.sh ...   reuse build/fuzz as it is
#
# The last line per target is "[fuzz] <target>: ok (<runs> runs in <s> s)"; a summary of the whole
# run (date, commit, seconds per target, runs, result) goes to build/fuzz/run/summary.txt.
#
# Exits 1 when a target crashes, leaks, times out or trips a sanitizer or invariant, after
# printing the path of the input that did it (reproduce: build/fuzz/bin/fuzz_<target> <path>).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${FUZZ_SECONDS:-20}
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds|-t)
      [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || { printf '[fuzz] --seconds needs a positive number\n' >&2; exit 2; }
      SECONDS_EACH=$2
      shift 2
      ;;
    --seconds=*)
      SECONDS_EACH=${1#--seconds=}
      [[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] && [ "$SECONDS_EACH" -gt 0 ] || { printf '[fuzz] --seconds needs a positive number\n' >&2; exit 2; }
      shift
      ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"
BIN="$ROOT/build/fuzz/bin"
RUN_DIR="$ROOT/build/fuzz/run"

log() { printf '[fuzz] %s\n' "$*" >&2; }

# Target name -> -max_len (bytes): room for the limits the parsers enforce (4096-byte return
# URLs, multi-kilobyte JWKS and JSON call parameters) without wasting time on huge inputs.
declare -A MAX_LEN=(
  [url]=4096 [callback]=4096 [return_url]=8192 [base64]=4096 [jws]=16384 [jwks]=16384
  [discovery]=16384 [token_response]=8192 [api]=16384 [twentythree]=8192
  [streamone]=16384 [muvi]=8192 [org]=16384 [device]=16384 [userinfo]=8192 [profile]=16384 [redact]=4096 [json]=16384
)
ORDER=(url callback return_url base64 jws jwks discovery token_response api twentythree
  streamone muvi org device userinfo profile redact json)

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ORDER[@]}")
for t in "${targets[@]}"; do
  [ -n "${MAX_LEN[$t]:-}" ] || { log "unknown target: $t (known: ${ORDER[*]})"; exit 2; }
done

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j2 >/dev/null
fi

failed=0
mkdir -p "$RUN_DIR"
SUMMARY="$RUN_DIR/summary.txt"
printf '%s  commit %s  %s s per target\n' "$(date -u +%Y-%m-%dT%H:%MZ)" \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" "$SECONDS_EACH" >"$SUMMARY"
for t in "${targets[@]}"; do
  work="$RUN_DIR/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -R "$ROOT/tests/fuzz/corpus/$t/." "$work/corpus/"
  log "$t: ${SECONDS_EACH}s"
  # timeout(1) bounds a run even if libFuzzer itself hangs (e.g. in a sanitizer report).
  if ! timeout --kill-after=10 $((SECONDS_EACH + 60)) "$BIN/fuzz_$t" "$work/corpus" \
      -max_total_time="$SECONDS_EACH" -max_len="${MAX_LEN[$t]}" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$work/artifacts/" -print_final_stats=1 >"$work/log" 2>&1; then
    failed=1
    printf '%-15s FAILED (see %s)\n' "$t" "$work/log" >>"$SUMMARY"
    tail -n 40 "$work/log" >&2
    found=$(find "$work/artifacts" -type f | sort)
    if [ -n "$found" ]; then
      while IFS= read -r f; do log "$t FAILED: input $f"; done <<<"$found"
    else
      log "$t FAILED without an artifact: see $work/log"
    fi
    continue
  fi
  runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo '?')
  log "$t: ok ($runs runs in ${SECONDS_EACH} s)"
  printf '%-15s ok  %s runs\n' "$t" "$runs" >>"$SUMMARY"
done
cat "$SUMMARY" >&2
exit $failed
