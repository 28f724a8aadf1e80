// The redaction that keeps credentials out of errors (ssokit/redact.hpp). Input: the first byte
// splits the rest into a server's text and a secret. Invariants: redact_credentials is idempotent
// and leaves no run that still looks like a credential; redact_secrets leaves no occurrence of the
// secret (as is, percent-encoded, base64, base64url) in the message or details, alone and after the
// step machines' whole pipeline (redact_credentials inside a KnownSecrets scope, then redact_secrets).
#include "fuzz_common.hpp"
#include "ssokit/base64.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/url.hpp"

using namespace ssokit;

namespace {

void check_no_form(const Error& e, const std::string& s) {
  for (const std::string& form : {s, percent_encode(s), base64url_encode(s)}) {
    // The details' key names are ours and never redacted: a "secret" inside one is no leak.
    if (std::string_view("error_description list").find(form) != std::string_view::npos) continue;
    FUZZ_CHECK(!fuzz_error_mentions(e, form));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz_input(data + 1, size - 1);
  const std::size_t split = std::min<std::size_t>(data[0], rest.size());
  const std::string secret(rest.substr(0, split));
  const std::string text(rest.substr(split));

  const std::string once = redact_credentials(text);
  FUZZ_CHECK(redact_credentials(once) == once);

  // Secrets of printable ASCII (JSON escaping would blur the search in details) that the replacement
  // text itself cannot form.
  auto usable = [](const std::string& s) {
    if (s.size() < kMinRedactedSecret || kRedactedText.find(s) != std::string_view::npos) return false;
    for (char c : s) {
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '[' || c == ']') return false;
    }
    return true;
  };
  for (const std::string& s : {std::string("Fuzz-Secret-Value-7"), secret}) {
    if (!usable(s)) continue;
    Error e = make_error(ErrorCode::token_error, text + s, {{"error_description", s + text}, {"list", {text, s}}});
    e = redact_secrets(std::move(e), {s});
    check_no_form(e, s);
    // The whole pipeline a step machine runs: the server's text through redact_credentials inside
    // the step's KnownSecrets scope, then redact_secrets on the error it made.
    const KnownSecrets known({s});
    const std::string server = redact_credentials(text + s + text);
    Error piped = make_error(ErrorCode::token_error, "answered " + server, {{"error_description", server}});
    check_no_form(redact_secrets(std::move(piped), {s}), s);
  }
  return 0;
}
