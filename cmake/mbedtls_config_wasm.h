/* Minimal mbedTLS configuration for the WebAssembly build: only what the SDK uses.
 * Hashes (SHA-1 for platform request signatures, SHA-2), HMAC through MD, RSA PKCS#1 v1.5 and
 * PSS verification, ECDSA P-256/P-384/P-521 verification, AES-GCM (token store), CTR_DRBG seeded from
 * getentropy (crypto.getRandomValues). Written against the API shared by mbedTLS 2.28 and 3.x. */
#ifndef SSOKIT_MBEDTLS_CONFIG_WASM_H
#define SSOKIT_MBEDTLS_CONFIG_WASM_H

#if defined(__EMSCRIPTEN__)
/* 64-bit limbs: wasm32 has 64-bit integer arithmetic, and with half as many limbs RSA runs about
 * twice as fast (BENCHMARKS.md, "Verification"). mbedTLS has no assembly for wasm anyway. */
#define MBEDTLS_HAVE_INT64
#else
#define MBEDTLS_HAVE_ASM
#endif
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_DEPRECATED_REMOVED

#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C

#define MBEDTLS_BASE64_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C

#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21

#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDSA_C

#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CTR_DRBG_C

#include "mbedtls/check_config.h"

#endif
