#!/usr/bin/env bash
# Installs everything ssokit needs on a fresh Debian 12 (bookworm) machine, the only supported
# system (checked in /etc/os-release; run as root or with sudo), then
# builds the native and WebAssembly targets. Idempotent: every step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

log() { printf '[bootstrap] %s\n' "$*" >&2; }

# Supported: Debian 12 (bookworm) (the package names, emscripten 3.1.6, mbedTLS 2.28 and
# the deb-src entry below are bookworm's). Anything else stops here with a clear message;
# SSOKIT_BOOTSTRAP_ANY_OS=1 tries anyway, at your own risk.
os_id=unknown; os_version=unknown
if [ -r /etc/os-release ]; then
  os_id=$(. /etc/os-release; echo "${ID:-unknown}")
  os_version=$(. /etc/os-release; echo "${VERSION_CODENAME:-${VERSION_ID:-unknown}}")
fi
if [ "$os_id" != debian ] || [ "$os_version" != bookworm ]; then
  if [ "${SSOKIT_BOOTSTRAP_ANY_OS:-0}" != 1 ]; then
    log "unsupported system: $os_id $os_version (from /etc/os-release)."
    log "scripts/bootstrap.sh supports Debian 12 (bookworm) only; install the packages listed in"
    log "APT_PACKAGES by hand, or set SSOKIT_BOOTSTRAP_ANY_OS=1 to try anyway."
    exit 1
  fi
  log "warning: $os_id $os_version is not Debian 12 (bookworm); continuing because SSOKIT_BOOTSTRAP_ANY_OS=1"
fi

APT_PACKAGES=(
  build-essential cmake pkg-config ninja-build git ca-certificates dpkg-dev
  emscripten libmbedtls-dev libsodium-dev libcurl4-openssl-dev libqrencode-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  nodejs chromium valgrind clang-14 libclang-rt-14-dev binaryen
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing apt packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ships with nodejs from Debian as a separate package; NodeSource's nodejs includes it.
if ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends npm
fi

# mbedTLS source for the WebAssembly build: Debian's source package (same version as the
# native libmbedtls-dev), unpacked once into .deps/.
MBEDTLS_DIR="$ROOT/.deps/mbedtls"
if [ ! -f "$MBEDTLS_DIR/include/mbedtls/version.h" ]; then
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    log "adding a deb-src entry for bookworm main"
    as_root tee /etc/apt/sources.list.d/ssokit-src.sources >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    as_root apt-get update -qq
  fi
  log "fetching mbedtls source package"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source -qq --download-only mbedtls >/dev/null && dpkg-source -x --no-check ./*.dsc src >/dev/null)
  mkdir -p "$ROOT/.deps"
  rm -rf "$MBEDTLS_DIR"
  mv "$tmp/src" "$MBEDTLS_DIR"
  rm -rf "$tmp"
fi

# npm dependencies from the committed lockfile (test provider, browser driver, web tooling).
if [ -f package-lock.json ]; then
  stamp=node_modules/.ssokit-lock-hash
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
fi

# typedoc for the API reference (docs/api, tests/wasm/apidoc.test.mjs): its own lockfile in
# tools/apidoc because typedoc needs TypeScript 5 while the workspace uses TypeScript 7.
if [ -f tools/apidoc/package-lock.json ]; then
  stamp=tools/apidoc/node_modules/.ssokit-lock-hash
  want=$(sha256sum tools/apidoc/package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing the API reference tool (npm ci in tools/apidoc)"
    npm ci --prefix tools/apidoc --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
fi

# emcc's JavaScript optimizer needs Debian's acorn.
export NODE_PATH=/usr/share/nodejs

log "building native (release)"
cmake --preset native >/dev/null
cmake --build --preset native -j"$(nproc)"

log "building wasm"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$(nproc)"
