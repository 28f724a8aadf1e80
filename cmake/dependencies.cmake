# Dependencies. Native (host) builds: Debian's packages. WebAssembly and cross builds (armhf,
# aarch64): mbedTLS compiled from Debian's source package (fetched into .deps/ by
# scripts/bootstrap.sh) with the SDK's minimal configuration. Cross builds also compile
# GoogleTest from Debian's googletest sources (/usr/src/googletest). JSON is the SDK's own
# (sdk/src/json).

set(SSOKIT_TARGET_PREFIX "" CACHE PATH "Cross builds: prefix with the target's mbedTLS and libcurl (scripts/cross.sh)")
if(CMAKE_CROSSCOMPILING AND SSOKIT_TARGET_PREFIX)
  # The full mbedTLS that the target's libcurl was built with: one copy of mbedcrypto for both.
  find_path(MBEDTLS_INCLUDE_DIR mbedtls/version.h PATHS "${SSOKIT_TARGET_PREFIX}/include" NO_DEFAULT_PATH REQUIRED)
  find_library(MBEDCRYPTO_LIBRARY mbedcrypto PATHS "${SSOKIT_TARGET_PREFIX}/lib" NO_DEFAULT_PATH REQUIRED)
  add_library(ssokit::mbedcrypto UNKNOWN IMPORTED)
  set_target_properties(ssokit::mbedcrypto PROPERTIES IMPORTED_LOCATION "${MBEDCRYPTO_LIBRARY}"
                                                      INTERFACE_INCLUDE_DIRECTORIES "${MBEDTLS_INCLUDE_DIR}")
  list(PREPEND CMAKE_PREFIX_PATH "${SSOKIT_TARGET_PREFIX}")
elseif(EMSCRIPTEN OR CMAKE_CROSSCOMPILING)
  set(SSOKIT_MBEDTLS_SOURCE_DIR "${PROJECT_SOURCE_DIR}/.deps/mbedtls" CACHE PATH "mbedTLS source tree")
  if(NOT EXISTS "${SSOKIT_MBEDTLS_SOURCE_DIR}/library/ctr_drbg.c")
    message(FATAL_ERROR "mbedTLS source not found in ${SSOKIT_MBEDTLS_SOURCE_DIR}: run scripts/bootstrap.sh")
  endif()
  # Only the modules the SDK uses (see cmake/mbedtls_config_wasm.h, the minimal configuration).
  set(_mbedtls_modules
    aes asn1parse asn1write base64 bignum cipher cipher_wrap constant_time ctr_drbg ecdsa ecp
    ecp_curves gcm md oid platform platform_util rsa rsa_internal sha1 sha256 sha512)
  set(_mbedtls_sources "")
  foreach(m IN LISTS _mbedtls_modules)
    list(APPEND _mbedtls_sources "${SSOKIT_MBEDTLS_SOURCE_DIR}/library/${m}.c")
  endforeach()
  add_library(mbedcrypto STATIC ${_mbedtls_sources})
  if(EMSCRIPTEN)
    # Signature verification spends its time in these: -O2 instead of -Oz makes RS256 about 25% and
    # ES256 about 10% faster for about 1 KB more wasm (measured: BENCHMARKS.md, "Verification").
    set(SSOKIT_MBEDTLS_FAST_MODULES bignum ecp ecp_curves CACHE STRING "mbedTLS modules compiled with -O2 in the wasm build")
    foreach(m IN LISTS SSOKIT_MBEDTLS_FAST_MODULES)
      set_source_files_properties("${SSOKIT_MBEDTLS_SOURCE_DIR}/library/${m}.c" PROPERTIES COMPILE_OPTIONS "-O2")
    endforeach()
  endif()
  target_include_directories(mbedcrypto SYSTEM PUBLIC "${SSOKIT_MBEDTLS_SOURCE_DIR}/include"
                                                     "${PROJECT_SOURCE_DIR}/cmake")
  target_compile_definitions(mbedcrypto PUBLIC MBEDTLS_CONFIG_FILE="mbedtls_config_wasm.h")
  add_library(ssokit::mbedcrypto ALIAS mbedcrypto)
else()
  find_path(MBEDTLS_INCLUDE_DIR mbedtls/version.h REQUIRED)
  find_library(MBEDCRYPTO_LIBRARY mbedcrypto REQUIRED)
  add_library(ssokit::mbedcrypto UNKNOWN IMPORTED)
  set_target_properties(ssokit::mbedcrypto PROPERTIES IMPORTED_LOCATION "${MBEDCRYPTO_LIBRARY}"
                                                      INTERFACE_INCLUDE_DIRECTORIES "${MBEDTLS_INCLUDE_DIR}")
endif()

# Ed25519 verification for the native verifier (sdk/src/crypto/jws.cpp): libsodium. Natively
# Debian's libsodium-dev through pkg-config; cross builds the static library scripts/cross.sh built
# from Debian's source package into the target prefix. WebAssembly has none: its host verifies
# with WebCrypto. A cross build without a target prefix leaves it out (Ed25519 signatures then
# never verify natively).
if(EMSCRIPTEN OR (CMAKE_CROSSCOMPILING AND NOT SSOKIT_TARGET_PREFIX))
  set(SSOKIT_WITH_LIBSODIUM OFF)
elseif(CMAKE_CROSSCOMPILING)
  find_path(SODIUM_INCLUDE_DIR sodium.h PATHS "${SSOKIT_TARGET_PREFIX}/include" NO_DEFAULT_PATH)
  find_library(SODIUM_LIBRARY NAMES libsodium.a sodium PATHS "${SSOKIT_TARGET_PREFIX}/lib" NO_DEFAULT_PATH)
  if(SODIUM_INCLUDE_DIR AND SODIUM_LIBRARY)
    set(SSOKIT_WITH_LIBSODIUM ON)
    add_library(ssokit::sodium UNKNOWN IMPORTED)
    set_target_properties(ssokit::sodium PROPERTIES IMPORTED_LOCATION "${SODIUM_LIBRARY}"
                                                    INTERFACE_INCLUDE_DIRECTORIES "${SODIUM_INCLUDE_DIR}")
  else()
    set(SSOKIT_WITH_LIBSODIUM OFF)
    message(WARNING "no libsodium in ${SSOKIT_TARGET_PREFIX}: Ed25519 signatures never verify in this build (scripts/cross.sh builds it)")
  endif()
else()
  set(SSOKIT_WITH_LIBSODIUM ON)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SODIUM REQUIRED libsodium)
  # A target of ssokit's own name (as ssokit::mbedcrypto), so ssokitConfig.cmake can define it again.
  find_path(SODIUM_INCLUDE_DIR sodium.h HINTS ${SODIUM_INCLUDE_DIRS} REQUIRED)
  find_library(SODIUM_LIBRARY sodium HINTS ${SODIUM_LIBRARY_DIRS} REQUIRED)
  add_library(ssokit::sodium UNKNOWN IMPORTED)
  set_target_properties(ssokit::sodium PROPERTIES IMPORTED_LOCATION "${SODIUM_LIBRARY}"
                                                  INTERFACE_INCLUDE_DIRECTORIES "${SODIUM_INCLUDE_DIR}")
endif()

if(NOT EMSCRIPTEN)
  find_package(Threads REQUIRED)
  if(SSOKIT_WITH_CURL)
    find_package(CURL REQUIRED)
  endif()
  # QR codes for the device flow (native/qr): Debian's libqrencode-dev through pkg-config. Off for
  # cross builds (the host's pkg-config would find the host's library); native/qr then reports
  # that QR codes are unavailable.
  if(CMAKE_CROSSCOMPILING)
    option(SSOKIT_WITH_QRENCODE "Draw device-flow QR codes with libqrencode" OFF)
  else()
    option(SSOKIT_WITH_QRENCODE "Draw device-flow QR codes with libqrencode" ON)
  endif()
  if(SSOKIT_WITH_QRENCODE)
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET GLOBAL libqrencode)
  endif()
  if(SSOKIT_BUILD_TESTS)
    if(CMAKE_CROSSCOMPILING)
      set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
      set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
      # googletest's own CMake defines the GTest:: aliases.
      add_subdirectory(/usr/src/googletest "${CMAKE_BINARY_DIR}/googletest" EXCLUDE_FROM_ALL SYSTEM)
    else()
      find_package(GTest REQUIRED)
    endif()
  endif()
  if(SSOKIT_BUILD_BENCH)
    find_package(benchmark REQUIRED)
  endif()
endif()
