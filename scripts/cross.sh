#!/usr/bin/env bash
# Cross builds for set-top boxes and players (armhf, aarch64) with Debian's cross compilers;
# the unit and native test suites run under qemu-user. Called by scripts/test.sh; on its own:
#   bash scripts/cross.sh [armhf] [aarch64]
# The cross builds leave libcurl out (see CMakeLists.txt, SSOKIT_WITH_CURL).
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(armhf aarch64)

packages=(qemu-user)
for a in "${arches[@]}"; do
  case $a in
    armhf) packages+=(g++-arm-linux-gnueabihf) ;;
    aarch64) packages+=(g++-aarch64-linux-gnu) ;;
    *) echo "unknown architecture $a" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[cross] installing ${missing[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for a in "${arches[@]}"; do
  echo "[cross] building $a" >&2
  cmake --preset "$a" >/dev/null
  cmake --build --preset "$a" -j"$(nproc)" >"build/$a-build.log" 2>&1 || { tail -30 "build/$a-build.log"; exit 1; }
done
