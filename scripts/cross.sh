#!/usr/bin/env bash
# Cross builds for set-top boxes and players (armhf, aarch64) with Debian's cross compilers;
# the unit and native test suites run under qemu-user. Called by scripts/test.sh; on its own:
#   bash scripts/cross.sh [armhf] [aarch64]
# libcurl for the target: Debian's multiarch libcurl4-openssl-dev:<arch> is not reliably
# installable beside the host's (the security mirror's libssl3 versions drift between
# architectures), so curl and mbedTLS are compiled from Debian's own source packages (.deps/)
# into build/<arch>-deps/prefix, static, HTTP(S) only, TLS through mbedTLS. The SDK then uses
# that mbedTLS too (one copy of mbedcrypto in the binary). libsodium (Ed25519 verification) the
# same way: Debian's source package, static, into the same prefix.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(armhf aarch64)

packages=(qemu-user autoconf automake libtool)  # the autotools: libsodium's Debian source has no configure
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

# A Debian source package unpacked into DIR, once, unless DIR already holds FILE (bootstrap.sh
# has set up deb-src and fetched mbedtls the same way).
fetch_source_package() {
  local package=$1 dir=$2 file=$3 tmp
  [ -f "$dir/$file" ] && return 0
  echo "[cross] fetching the $package source package" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source -qq --download-only "$package" >/dev/null && dpkg-source -x --no-check ./*.dsc src >/dev/null)
  rm -rf "$dir"
  mv "$tmp/src" "$dir"
  rm -rf "$tmp"
}
CURL_DIR=.deps/curl
SODIUM_DIR=.deps/libsodium
fetch_source_package curl "$CURL_DIR" include/curl/curl.h
fetch_source_package libsodium "$SODIUM_DIR" configure.ac
# Debian builds it with dh_autoreconf: the configure script is generated, once.
[ -f "$SODIUM_DIR/configure" ] || (cd "$SODIUM_DIR" && autoreconf -fi >/dev/null 2>&1)

# mbedTLS (default configuration: curl needs TLS) and libcurl for one architecture, once.
build_target_deps() {
  local a=$1 deps="$PWD/build/$1-deps" toolchain="$PWD/cmake/toolchains/$1.cmake"
  local stamp="$deps/prefix/.ssokit-deps-1"
  [ -f "$stamp" ] && return 0
  echo "[cross] building mbedTLS and libcurl for $a" >&2
  rm -rf "$deps" && mkdir -p "$deps"
  cmake -S .deps/mbedtls -B "$deps/mbedtls" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$deps/prefix" -DENABLE_PROGRAMS=OFF -DENABLE_TESTING=OFF \
    -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON -DCMAKE_POSITION_INDEPENDENT_CODE=ON >/dev/null
  cmake --build "$deps/mbedtls" -j"$(nproc)" --target install >/dev/null
  cmake -S "$CURL_DIR" -B "$deps/curl" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$deps/prefix" -DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
    -DHTTP_ONLY=ON -DCURL_USE_OPENSSL=OFF -DCURL_USE_MBEDTLS=ON \
    -DMBEDTLS_INCLUDE_DIRS="$deps/prefix/include" -DMBEDTLS_LIBRARY="$deps/prefix/lib/libmbedtls.a" \
    -DMBEDX509_LIBRARY="$deps/prefix/lib/libmbedx509.a" -DMBEDCRYPTO_LIBRARY="$deps/prefix/lib/libmbedcrypto.a" \
    -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF -DCURL_USE_LIBSSH2=OFF \
    -DCURL_USE_LIBPSL=OFF -DCURL_DISABLE_LDAP=ON -DENABLE_UNIX_SOCKETS=OFF \
    -DCURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt -DCURL_CA_PATH=none >/dev/null
  cmake --build "$deps/curl" -j"$(nproc)" --target install >/dev/null
  touch "$stamp"
}

# libsodium for one architecture (static, position-independent: it ends up in libssokit.so), once.
build_target_sodium() {
  local a=$1 deps="$PWD/build/$1-deps" src="$PWD/$SODIUM_DIR" host
  local stamp="$deps/prefix/.ssokit-sodium-1"
  [ -f "$stamp" ] && return 0
  case $a in
    armhf) host=arm-linux-gnueabihf ;;
    aarch64) host=aarch64-linux-gnu ;;
  esac
  echo "[cross] building libsodium for $a" >&2
  # Chained with &&: it runs where a failure is tested (set -e does not apply there).
  rm -rf "$deps/libsodium" && mkdir -p "$deps/libsodium" &&
    (cd "$deps/libsodium" && "$src/configure" --host="$host" --prefix="$deps/prefix" \
      --disable-shared --enable-static --with-pic --disable-dependency-tracking >/dev/null) &&
    make -C "$deps/libsodium" -j"$(nproc)" install >/dev/null &&
    touch "$stamp"
}

for a in "${arches[@]}"; do
  build_target_deps "$a" >"build/$a-deps.log" 2>&1 || { tail -30 "build/$a-deps.log"; exit 1; }
  if ! build_target_sodium "$a" >>"build/$a-deps.log" 2>&1; then
    tail -30 "build/$a-deps.log"
    echo "[cross] libsodium did not build for $a: Ed25519 is off in this build" >&2
  fi
  echo "[cross] building $a" >&2
  cmake --preset "$a" -DSSOKIT_WITH_CURL=ON -DSSOKIT_TARGET_PREFIX="$PWD/build/$a-deps/prefix" >/dev/null
  cmake --build --preset "$a" -j"$(nproc)" >"build/$a-build.log" 2>&1 || { tail -30 "build/$a-build.log"; exit 1; }
done
