#!/usr/bin/env bash
# Device-only player footprint, C against C++: the set-top sample (samples/settop/settop.c, device
# sign-in, QR code, encrypted store, refresh) linked with the static libssokit.a, and the same
# player in C++ (tests/consumer/player.cpp) with ssokit::native, both from an install of a
# MinSizeRel build with -ffunction-sections -fdata-sections, linked with --gc-sections and
# stripped (x86_64; libcurl, libmbedcrypto, libqrencode and libstdc++ stay shared).
# Prints one line per program: "<name> <bytes>". Run: bash bench/c_footprint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/footprint
flags="-ffunction-sections -fdata-sections"
cmake -S . -B "$out/sdk" -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DSSOKIT_C_SHARED=OFF -DSSOKIT_C_STATIC=ON -DSSOKIT_BUILD_TESTS=OFF -DSSOKIT_BUILD_BENCH=OFF \
  -DSSOKIT_BUILD_SAMPLES=OFF -DSSOKIT_BUILD_CLI=OFF -DSSOKIT_BIN_DIR="$PWD/$out/sdk/bin" >/dev/null
cmake --build "$out/sdk" -j2 >/dev/null
rm -rf "$out/prefix"
cmake --install "$out/sdk" --prefix "$out/prefix" >/dev/null
cmake -S tests/consumer -B "$out/players" -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_PREFIX_PATH="$PWD/$out/prefix" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-Wl,--gc-sections" >/dev/null
cmake --build "$out/players" -j2 >/dev/null
for p in player_c player_cpp; do
  strip -o "$out/$p.stripped" "$out/players/$p"
  echo "$p $(stat -c %s "$out/$p.stripped")"
done
