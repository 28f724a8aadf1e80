// Keeping credentials out of error messages and details (DESIGN.md principle 3: tokens and secrets
// never in a log line or an error message). Two layers:
// - redact_credentials: text a server wrote (an error_description, a platform's own message) can echo
//   what it was sent (a code, a token, a key, a signature); long credential-like runs are masked.
// - redact_secrets: a step machine knows the secrets it sends; they are removed from its errors
//   exactly, in the encodings a request carries them in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ssokit/error.hpp"

namespace ssokit {

inline constexpr std::string_view kRedactedText = "[redacted]";

// Every run of credential characters (letters, digits and - . _ ~ + / = %) of 16 or more that has a
// digit or both letter cases, and every such run of 40 or more, becomes "[redacted]". Words, error
// codes (authorization_pending, USER_ALREADY_HAS_SSO_TOKEN) and short identifiers stay.
std::string redact_credentials(std::string_view server_text);

// Every occurrence of each secret (as is, percent-encoded, form-encoded, base64 and base64url) in the
// message and in every string inside details becomes "[redacted]". Values shorter than
// kMinRedactedSecret bytes are skipped: they would match ordinary text.
inline constexpr std::size_t kMinRedactedSecret = 6;
Error redact_secrets(Error error, const std::vector<std::string>& secrets);

}  // namespace ssokit
