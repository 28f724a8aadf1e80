// The sign effect's host side: completing SignRequest entries before a request is sent.
#include "ssokit/signing.hpp"

#include "ssokit/base64.hpp"
#include "ssokit/url.hpp"

namespace ssokit {
namespace {

bool known_alg(const std::string& alg) { return alg == "RS256" || alg == "PS256" || alg == "ES256"; }

// "header.payload": two base64url parts, nothing else (what the core builds).
bool jws_input_shape(const std::string& input) {
  const std::size_t dot = input.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= input.size() || input.find('.', dot + 1) != std::string::npos) {
    return false;
  }
  for (char c : input) {
    const bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!b64 && c != '.') return false;
  }
  return true;
}

}  // namespace

Status complete_signatures(HttpRequest& request, Signer* signer) {
  for (const SignRequest& entry : request.sign) {
    if (!known_alg(entry.alg)) {
      return make_error(ErrorCode::unsupported, "the request asks for a signature with an algorithm this host does not sign with",
                        json_object("alg", entry.alg.substr(0, 20)));
    }
    if (entry.header.empty() == entry.form_field.empty()) {
      return make_error(ErrorCode::invalid_argument, "a signature entry needs exactly one of header and form_field");
    }
    if (!jws_input_shape(entry.input)) {
      return make_error(ErrorCode::invalid_argument, "a signature entry's input is not a JWS signing input");
    }
    if (signer == nullptr) {
      return make_error(ErrorCode::invalid_argument,
                        "the request must be signed with the \"" + entry.key.substr(0, 20) +
                            "\" key but no key is configured (for client assertions: --private-key or SSOKIT_PRIVATE_KEY)",
                        json_object("key", entry.key.substr(0, 20), "alg", entry.alg));
    }
    SSOKIT_TRY(Bytes signature, signer->sign(entry));
    const std::string jws = entry.input + "." + base64url_encode(signature);
    if (!entry.header.empty()) {
      request.headers.emplace_back(entry.header, jws);
    } else {
      const std::string field = form_encode({{entry.form_field, jws}});
      request.body += request.body.empty() ? field : "&" + field;
    }
  }
  request.sign.clear();
  return {};
}

Result<HttpResponse> SigningTransport::send(const HttpRequest& request) {
  if (request.sign.empty()) return inner_.send(request);
  HttpRequest signed_request = request;
  SSOKIT_CHECK(complete_signatures(signed_request, signer_.get()));
  return inner_.send(signed_request);
}

}  // namespace ssokit
