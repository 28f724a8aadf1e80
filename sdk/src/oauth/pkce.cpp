#include "ssokit/pkce.hpp"

#include "ssokit/crypto.hpp"

namespace ssokit {
namespace {

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

Status validate_code_verifier(std::string_view verifier) {
  if (verifier.size() < 43 || verifier.size() > 128) {
    return make_error(ErrorCode::invalid_argument,
                      "code_verifier must be 43 to 128 characters long (RFC 7636 section 4.1), got " +
                          std::to_string(verifier.size()));
  }
  for (char c : verifier) {
    if (!is_unreserved(c)) {
      return make_error(ErrorCode::invalid_argument,
                        "code_verifier may contain only A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.1)");
    }
  }
  return {};
}

Result<std::string> code_challenge_s256(std::string_view verifier) {
  SSOKIT_CHECK(validate_code_verifier(verifier));
  return base64url_encode(sha256(verifier));
}

Result<Pkce> pkce_from_verifier(std::string_view verifier) {
  SSOKIT_TRY(std::string challenge, code_challenge_s256(verifier));
  return Pkce{std::string(verifier), std::move(challenge)};
}

Result<Pkce> generate_pkce(RandomSource& random) {
  SSOKIT_TRY(std::string verifier, random_token(random, 32));
  return pkce_from_verifier(verifier);
}

}  // namespace ssokit
