#!/usr/bin/env bash
# The main job: a real sign-in through the SDK against the embedded local OpenID provider,
# natively (the ssokit CLI) and through WebAssembly in Node, printing the mapped profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node samples/demo/demo.mjs "$@"
