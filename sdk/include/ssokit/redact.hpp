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

// Server text made fit for an error, in this order:
// 1. the secrets of the innermost KnownSecrets scope on this thread (below) become "[redacted]",
//    while the text is still raw (masking first would cut a secret into fragments that no longer
//    match it, e.g. "Sup3r [redacted] spaces"),
// 2. control characters (C0, DEL, C1) become a space: they have no place in an error, and a
//    JSON dump would turn one into letters ("\f" + "uzz-token" reads as "fuzz-token"),
// 3. every run of credential characters (letters, digits and - . _ ~ + / = %) of 16 or more that
//    has a digit or both letter cases, and every such run of 40 or more, becomes "[redacted]".
//    Words, error codes (authorization_pending, USER_ALREADY_HAS_SSO_TOKEN) and short
//    identifiers stay.
std::string redact_credentials(std::string_view server_text);

// While one is alive, redact_credentials on this thread first removes these secrets (in every
// form redact_secrets knows). Step machines open one around each step, so text a server wrote is
// cleaned of the secrets they hold before anything else touches it. Scopes nest; the innermost
// one is used together with the ones around it. Not copyable; keep it on the stack.
class KnownSecrets {
 public:
  explicit KnownSecrets(const std::vector<std::string>& secrets);
  ~KnownSecrets();
  KnownSecrets(const KnownSecrets&) = delete;
  KnownSecrets& operator=(const KnownSecrets&) = delete;

 private:
  friend std::string redact_credentials(std::string_view server_text);
  std::vector<std::string> forms_;
  const KnownSecrets* outer_;
};

// Control characters in the message and in every string inside details become a space (as in
// redact_credentials: an escape in a JSON dump could spell out a secret); then every occurrence of
// each secret (as is, percent-encoded, form-encoded, base64 and base64url) becomes "[redacted]". Values shorter than
// kMinRedactedSecret bytes are skipped: they would match ordinary text.
inline constexpr std::size_t kMinRedactedSecret = 6;
Error redact_secrets(Error error, const std::vector<std::string>& secrets);

}  // namespace ssokit
