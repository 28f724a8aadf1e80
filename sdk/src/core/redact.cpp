#include "ssokit/redact.hpp"

#include <algorithm>

#include "ssokit/base64.hpp"
#include "ssokit/json.hpp"
#include "ssokit/url.hpp"
#include "heap_sort.hpp"

namespace ssokit {
namespace {

bool is_credential_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '%';
}

// A run that looks like a token, code, key or signature rather than a word.
bool looks_like_credential(std::string_view run) {
  bool digit = false, upper = false, lower = false;
  for (char c : run) {
    digit = digit || (c >= '0' && c <= '9');
    upper = upper || (c >= 'A' && c <= 'Z');
    lower = lower || (c >= 'a' && c <= 'z');
  }
  return (run.size() >= 16 && (digit || (upper && lower))) || run.size() >= 40;
}

void replace_all(std::string& text, const std::string& needle) {
  if (needle.empty()) return;
  // Each round moves past the replacement, so the loop ends (the replacement never contains the needle
  // at the position searched next).
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + kRedactedText.size())) {
    text.replace(at, needle.size(), kRedactedText);
  }
}

// The forms a secret takes on the wire: as is, in a URL or form body, base64 (Basic, headers).
std::vector<std::string> forms_of(const std::vector<std::string>& secrets) {
  std::vector<std::string> forms;
  for (const auto& s : secrets) {
    if (s.size() < kMinRedactedSecret) continue;
    std::string form = form_encode({{"", s}}).substr(1);  // "=value" without the '='
    for (std::string f : {s, percent_encode(s), form, base64_encode(s), base64url_encode(s)}) {
      bool seen = false;
      for (const auto& known : forms) seen = seen || known == f;
      if (!seen) forms.push_back(std::move(f));
    }
  }
  // Longest first: a secret that contains another is masked whole.
  detail::heap_sort(forms, [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return forms;
}

std::string without_controls(std::string_view text);

void redact_json(Json& value, const std::vector<std::string>& forms, int depth) {
  if (depth > 64) return;  // details are shallow; bound the walk anyway
  if (value.is_string()) {
    std::string text = without_controls(value.get<std::string>());
    for (const auto& f : forms) replace_all(text, f);
    value = text;
  } else if (value.is_array() || value.is_object()) {
    for (auto& item : value) redact_json(item, forms, depth + 1);
  }
}

// The innermost KnownSecrets of this thread (step machines run on one thread at a time).
thread_local const KnownSecrets* current_secrets = nullptr;

// C0 controls, DEL and C1 controls (U+0080..U+009F, C2 80..C2 9F in UTF-8) become one space each.
std::string without_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += ' ';
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

KnownSecrets::KnownSecrets(const std::vector<std::string>& secrets) : forms_(forms_of(secrets)), outer_(current_secrets) {
  current_secrets = this;
}

KnownSecrets::~KnownSecrets() { current_secrets = outer_; }

std::string redact_credentials(std::string_view server_text) {
  std::string raw(server_text);
  for (const KnownSecrets* scope = current_secrets; scope != nullptr; scope = scope->outer_) {
    for (const auto& f : scope->forms_) replace_all(raw, f);
  }
  const std::string cleaned = without_controls(raw);
  const std::string_view text = cleaned;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_credential_char(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_credential_char(text[end])) ++end;
    const std::string_view run = text.substr(i, end - i);
    if (looks_like_credential(run)) {
      out += kRedactedText;
    } else {
      out += run;
    }
    i = end;
  }
  return out;
}

Error redact_secrets(Error error, const std::vector<std::string>& secrets) {
  const std::vector<std::string> forms = forms_of(secrets);
  if (forms.empty()) return error;
  // Controls first: a JSON dump would write one as an escape whose letters can complete a secret
  // ("\u0000" + "=======" shows "0=======").
  error.message = without_controls(error.message);
  for (const auto& f : forms) replace_all(error.message, f);
  redact_json(error.details, forms, 0);
  return error;
}

}  // namespace ssokit
