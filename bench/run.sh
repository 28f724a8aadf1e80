#!/usr/bin/env bash
# Every benchmark in one run (numbers for BENCHMARKS.md): native Google Benchmark, WebAssembly
# payload / cold start / primitive rates, and ID-token validation natively, in WebAssembly and
# with Node's crypto.verify on the same tokens. Run after scripts/bootstrap.sh:
#   bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== native (build/bin/ssokit_bench)"
build/bin/ssokit_bench --benchmark_min_time=1 2>&1 | grep -E '^(BM_|Benchmark|---)'
echo "== WebAssembly payload, cold start, primitives (bench/wasm_bench.mjs)"
node bench/wasm_bench.mjs
echo "== ID-token validation: WebAssembly vs Node crypto.verify (bench/verify_bench.mjs)"
node bench/verify_bench.mjs
echo "== ID-token validation in Chromium: WebAssembly vs WebCrypto (bench/verify_browser.mjs)"
node bench/verify_browser.mjs
echo "== Page payload, the same minimal page per SDK, Vite and esbuild (bench/page_payload.mjs)"
node bench/page_payload.mjs
echo "== Browser payload beside peer SDKs (bench/peer_sizes.mjs)"
node bench/peer_sizes.mjs
echo "== What each part of the browser payload costs (bench/size_breakdown.mjs)"
node bench/size_breakdown.mjs --top 8
echo "== Node start-up to the first authorization URL, ssokit vs openid-client (bench/node_startup.mjs)"
node bench/node_startup.mjs --runs 10
echo "== Page load to the provider redirect in Chromium, ssokit vs oidc-client-ts (bench/portal_startup.mjs)"
node bench/portal_startup.mjs --runs 10
echo "== The minimal page's phases to the redirect (bench/startup_breakdown.mjs)"
node bench/startup_breakdown.mjs --runs 10
echo "== Set-top footprint (bench/settop_footprint.mjs)"
node bench/settop_footprint.mjs
echo "== Fuzzing: every libFuzzer target for 10 minutes (scripts/fuzz.sh --seconds 600; about 3 hours)"
# Longer than the test command's 10 s per target: what found issue 16's four secret leaks. The
# summary (build/fuzz/run/summary.txt) is what SECURITY.md's "Fuzzing" entry records.
bash scripts/fuzz.sh --seconds "${BENCH_FUZZ_SECONDS:-600}"
