// Errors are values: every fallible call in the core returns Result<T>, never throws.
#pragma once

#include <string>
#include <string_view>

#include "ssokit/json_value.hpp"

namespace ssokit {

// Stable error codes. Their snake_case names (error_code_name) are a public contract shared by
// the CLI, JavaScript (SsoError.code) and the C API: add new ones at the end, never rename.
enum class ErrorCode {
  invalid_argument,
  invalid_url,
  invalid_return_url,
  state_missing,
  state_mismatch,
  transaction_not_found,
  iss_mismatch,
  authorization_error,
  discovery_failed,
  discovery_issuer_mismatch,
  network_error,
  timeout,
  http_error,
  invalid_response,
  token_error,
  id_token_missing,
  id_token_malformed,
  id_token_alg_not_allowed,
  id_token_key_not_found,
  id_token_signature_invalid,
  id_token_iss_mismatch,
  id_token_aud_mismatch,
  id_token_azp_mismatch,
  id_token_expired,
  id_token_iat_invalid,
  id_token_not_yet_valid,
  id_token_nonce_mismatch,
  id_token_sub_missing,
  userinfo_sub_mismatch,
  login_required,
  refresh_failed,
  device_code_expired,
  access_denied,
  storage_error,
  storage_tampered,
  platform_error,
  sso_token_unknown,
  cancelled,
  internal_error,
  // Added after the first contract (appended: codes are never renumbered or renamed).
  server_only,      // needs a platform secret: call it from the portal's server, never a browser page
  sso_test_failed,  // organization SSO: the configuration test failed, so SSO-only sign-in was not enforced
  rate_limited,     // the platform kept answering 429 after the Retry-After waits; details.retry_after
  unsupported,      // not in this build (no libcurl, no libqrencode, no platform connectors)
};

const char* error_code_name(ErrorCode code);
// Inverse of error_code_name; false when the name is unknown.
bool error_code_from_name(std::string_view name, ErrorCode* out);

struct Error {
  ErrorCode code = ErrorCode::internal_error;
  // What was wrong and what to do about it. Never holds a token or secret.
  std::string message;
  // Machine-readable context (e.g. the provider's `error`), always a JSON object.
  Json details = Json::object();

  const char* code_name() const { return error_code_name(code); }
  // {"code": ..., "message": ..., "details": {...}} (details omitted when empty).
  Json to_json() const;
  std::string to_string() const;
};

// Three overloads instead of default arguments: a default Json (and a std::string made from a
// literal) would be built and destroyed at each of the few hundred call sites.
Error make_error(ErrorCode code, const char* message);
Error make_error(ErrorCode code, std::string message);
Error make_error(ErrorCode code, std::string message, Json details);

}  // namespace ssokit
