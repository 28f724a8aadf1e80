// PKCE (RFC 7636), S256 only: `plain` gives no protection and is never offered.
#pragma once

#include <string>
#include <string_view>

#include "ssokit/random.hpp"

namespace ssokit {

struct Pkce {
  std::string code_verifier;
  std::string code_challenge;
  static constexpr const char* method = "S256";
};

// A verifier is 43 to 128 characters from [A-Za-z0-9-._~] (RFC 7636 section 4.1).
Status validate_code_verifier(std::string_view verifier);
// BASE64URL(SHA256(ASCII(verifier))); invalid_argument for a malformed verifier.
Result<std::string> code_challenge_s256(std::string_view verifier);
// A fresh pair: 32 random bytes -> 43-character verifier.
Result<Pkce> generate_pkce(RandomSource& random);
// The pair for a given verifier.
Result<Pkce> pkce_from_verifier(std::string_view verifier);

}  // namespace ssokit
