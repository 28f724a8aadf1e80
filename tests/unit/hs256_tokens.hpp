// Shared by the unit tests that play a provider: ID tokens signed with HS256 under the client
// secret (no private key needed in a unit test), and JSON answers.
#pragma once

#include <string>

#include "ssokit/base64.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/http.hpp"
#include "ssokit/json.hpp"

namespace ssokit::hs256_tokens {

// The confidential test client's secret: it keys the HS256 ID tokens.
inline constexpr const char* kSecret = "a-confidential-client-secret-of-32-bytes";

inline std::string b64(const std::string& s) { return base64url_encode(Bytes(s.begin(), s.end())); }

// A JWT over `claims` with {"alg":"HS256","typ":"JWT"}, keyed with kSecret.
inline std::string mint(const Json& claims) {
  const std::string input = b64(R"({"alg":"HS256","typ":"JWT"})") + "." + b64(claims.dump());
  return input + "." + base64url_encode(hmac_sha256(kSecret, input));
}

inline HttpResponse json_answer(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body.dump();
  return r;
}

}  // namespace ssokit::hs256_tokens
