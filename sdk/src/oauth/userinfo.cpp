// User-info endpoint (OIDC Core 5.3): the request, the provider's refusals (RFC 6750 3), JSON
// answers and signed answers (application/jwt, OIDC Core 5.3.2) verified like the ID token.
#include "ssokit/userinfo.hpp"

#include <cmath>

#include "oauth_internal.hpp"
#include "ssokit/redact.hpp"
#include "ssokit/text.hpp"

namespace ssokit {
namespace {

// Text the provider wrote, fit for an error: printable ASCII only (RFC 6750 3 allows no more in
// error and error_description), credential-like runs masked, clipped.
std::string provider_text(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, 1024)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  return redact_credentials(out).substr(0, max);
}

// The auth-params of the Bearer challenge in a WWW-Authenticate value (RFC 7235 4.1, RFC 6750
// 3): `Bearer realm="x", error="invalid_token", error_description="..."`, possibly among other
// schemes' challenges. Parameter names lower-cased; quoted-string escapes resolved.
Params bearer_challenge(std::string_view header) {
  Params params;
  header = header.substr(0, 4096);
  std::size_t i = 0;
  bool in_bearer = false;
  auto skip = [&] {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t' || header[i] == ',')) ++i;
  };
  auto token = [&] {
    const std::size_t start = i;
    while (i < header.size() && header[i] != ' ' && header[i] != '\t' && header[i] != ',' && header[i] != '=') ++i;
    return header.substr(start, i - start);
  };
  while (i < header.size()) {
    skip();
    std::string_view name = token();
    if (name.empty()) {
      ++i;  // a stray '=': step over it (every iteration advances, so the loop ends)
      continue;
    }
    std::size_t j = i;
    while (j < header.size() && (header[j] == ' ' || header[j] == '\t')) ++j;
    if (j >= header.size() || header[j] != '=') {
      in_bearer = ascii_lower(name) == "bearer";  // a new challenge's scheme
      continue;
    }
    i = j + 1;
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      ++i;  // the closing quote
    } else {
      value = std::string(token());
    }
    if (in_bearer) params.emplace_back(ascii_lower(name), std::move(value));
  }
  return params;
}

std::optional<std::string> param(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return std::nullopt;
}

// The provider refused the request: its error and error_description from the Bearer challenge,
// else from a JSON error body (as the token endpoint's). nullopt when it gave neither.
std::optional<Error> refusal(const HttpResponse& response) {
  const std::optional<std::string> challenge = response.header("WWW-Authenticate");
  const Params params = challenge ? bearer_challenge(*challenge) : Params{};
  const std::optional<std::string> error = param(params, "error");
  if (!error || error->empty()) return detail::oauth_error(response, ErrorCode::token_error, "the user-info endpoint");
  const std::string code = provider_text(*error, 100);
  Json details = Json::object();
  details.set("error", code);
  details.set("status", response.status);
  std::string message = "the user-info endpoint answered " + code;
  if (auto description = param(params, "error_description"); description && !description->empty()) {
    const std::string text = provider_text(*description, 300);
    details["error_description"] = text;
    message += " (" + text + ")";
  }
  if (auto uri = param(params, "error_uri"); uri && !uri->empty()) details["error_uri"] = provider_text(*uri, 300);
  details["www_authenticate"] = provider_text(*challenge, 300);
  return make_error(ErrorCode::token_error, std::move(message), std::move(details));
}

bool is_jwt_type(const std::optional<std::string>& type) {
  if (!type) return false;
  const std::string t = ascii_lower(std::string_view(*type).substr(0, 200));
  return trim_ows(std::string_view(t).substr(0, t.find(';'))) == "application/jwt";
}

Error refused(std::string reason, std::string message, Json details = Json::object()) {
  details["reason"] = std::move(reason);
  return make_error(ErrorCode::invalid_response, "the signed user-info response " + message, std::move(details));
}

Status check_sub(const Json& claims, std::string_view expected_sub) {
  auto sub = json_string_at(claims, "sub");
  if (!sub || sub->empty()) return make_error(ErrorCode::invalid_response, "the user-info response has no sub", json_object("reason", "sub_missing"));
  if (*sub != expected_sub) {
    // OIDC Core 5.3.2: a different sub means the response is not about this user.
    return make_error(ErrorCode::userinfo_sub_mismatch, "the user-info response is about another subject than the ID token");
  }
  return {};
}

// A NumericDate claim when present: nullopt when absent, an error when not a number.
Result<std::optional<std::int64_t>> date_claim(const Json& claims, std::string_view name) {
  const Json* v = json_member(claims, name);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (!v->is_number()) return refused("malformed", "has a " + std::string(name) + " claim that is not a number");
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < -9.0e15 || d > 9.0e15) {
    return refused("malformed", "has a " + std::string(name) + " claim out of range");
  }
  return std::optional<std::int64_t>(static_cast<std::int64_t>(std::floor(d)));
}

}  // namespace

UserinfoExpectations userinfo_expectations(const IdTokenExpectations& id_token, std::string sub) {
  UserinfoExpectations e;
  e.issuer = id_token.issuer;
  e.client_id = id_token.client_id;
  e.sub = std::move(sub);
  e.now = id_token.now;
  e.clock_skew = id_token.clock_skew;
  e.client_secret = id_token.client_secret;
  e.allowed_algs = id_token.allowed_algs;
  return e;
}

Result<HttpRequest> userinfo_request(const ProviderMetadata& provider, std::string_view access_token) {
  if (provider.userinfo_endpoint.empty()) {
    return make_error(ErrorCode::invalid_argument, "the provider metadata has no userinfo_endpoint");
  }
  if (access_token.empty()) return make_error(ErrorCode::login_required, "there is no access token; sign in again");
  HttpRequest request;
  request.url = provider.userinfo_endpoint;
  // The provider answers JSON or, for a client registered with userinfo_signed_response_alg, a
  // signed JWT (application/jwt); both are understood.
  request.headers = {{"Authorization", "Bearer " + std::string(access_token)}, {"Accept", "application/json"}};
  return request;
}

Result<UserinfoAnswer> read_userinfo_response(const HttpResponse& response, std::string_view expected_sub) {
  if (response.status != 200) {
    if (auto error = refusal(response)) return *error;
    if (response.status == 401) {
      // RFC 6750 3: a 401 without an error code still says the token is no longer good.
      return make_error(ErrorCode::token_error,
                        "the user-info endpoint rejected the access token (HTTP 401) without saying why",
                        json_object("error", "invalid_token", "status", 401));
    }
    return detail::http_status_error(response, "the user-info endpoint");
  }
  UserinfoAnswer answer;
  if (is_jwt_type(response.header("Content-Type"))) {
    const std::string_view body = trim_ascii_space(response.body);
    std::size_t dots = 0;
    for (char c : body) dots += c == '.' ? 1 : 0;
    if (dots == 4) {
      return make_error(ErrorCode::invalid_response,
                        "the user-info response is encrypted (JWE), which ssokit does not support; register the client "
                        "without userinfo_encrypted_response_alg (a signed response is fine)",
                        json_object("reason", "encrypted"));
    }
    auto jws = parse_jws(body, ErrorCode::invalid_response);
    if (!jws.ok()) {
      return make_error(ErrorCode::invalid_response, "the signed user-info response is not a JWT: " + jws.error().message,
                        json_object("reason", "malformed"));
    }
    answer.jwt = std::move(jws).value();
    return answer;
  }
  auto body = parse_json_object(response.body);
  if (!body.ok()) return make_error(ErrorCode::invalid_response, "the user-info response is not a JSON object: " + body.error().message);
  SSOKIT_CHECK(check_sub(body.value(), expected_sub));
  answer.claims = std::move(body).value();
  return answer;
}

Result<Json> process_userinfo_response(const HttpResponse& response, std::string_view expected_sub) {
  SSOKIT_TRY(UserinfoAnswer answer, read_userinfo_response(response, expected_sub));
  if (answer.jwt) {
    return make_error(ErrorCode::invalid_response,
                      "the user-info response is signed (application/jwt): verify it with the provider's keys "
                      "(the sign-in flow does; userinfo.process takes jwks and expect)",
                      json_object("reason", "signed"));
  }
  return std::move(answer.claims);
}

Result<VerifyRequest> signed_userinfo_verify_request(const Jws& jwt, const Jwks& jwks, const UserinfoExpectations& e) {
  auto request = jwt_verify_request(jwt, jwks, e.allowed_algs, e.client_secret, "signed user-info response");
  if (request.ok()) return request;
  Error error = request.take_error();
  const char* reason = "signature_invalid";
  if (error.code == ErrorCode::id_token_alg_not_allowed) reason = "alg_not_allowed";
  if (error.code == ErrorCode::id_token_key_not_found) reason = "key_not_found";
  if (error.code == ErrorCode::id_token_malformed) reason = "malformed";
  Json details = error.details.is_object() ? error.details : Json::object();
  details["reason"] = reason;
  return make_error(ErrorCode::invalid_response, std::move(error.message), std::move(details));
}

Result<Json> finish_signed_userinfo(const Jws& jwt, bool verified, const UserinfoExpectations& e) {
  if (!verified) {
    return refused("signature_invalid", "has a signature that does not verify with the provider's key",
                   json_object("alg", jwt.alg.substr(0, 32), "kid", jwt.kid.substr(0, 128)));
  }
  const Json& claims = jwt.payload;
  // OIDC Core 5.3.2: when signed, iss and aud should be there; when they are, they must be right.
  if (const Json* iss = json_member(claims, "iss"); iss != nullptr) {
    if (!iss->is_string() || iss->get_ref<const std::string&>() != e.issuer) {
      return refused("iss_mismatch", "was issued by another issuer (iss) than the provider", json_object("expected", e.issuer.substr(0, 256)));
    }
  }
  if (const Json* aud = json_member(claims, "aud"); aud != nullptr) {
    bool contains = aud->is_string() && aud->get_ref<const std::string&>() == e.client_id;
    if (aud->is_array()) {
      for (const auto& a : *aud) contains = contains || (a.is_string() && a.get_ref<const std::string&>() == e.client_id);
    }
    if (!contains) {
      return refused("aud_mismatch", "is meant for another client (aud does not include this client_id)",
                     json_object("expected", e.client_id.substr(0, 256)));
    }
  }
  SSOKIT_TRY(std::optional<std::int64_t> exp, date_claim(claims, "exp"));
  if (exp && e.now > *exp + e.clock_skew) {
    return refused("expired", "has expired (exp); check the device clock", json_object("exp", *exp, "now", e.now));
  }
  SSOKIT_TRY(std::optional<std::int64_t> nbf, date_claim(claims, "nbf"));
  if (nbf && e.now + e.clock_skew < *nbf) {
    return refused("not_yet_valid", "is not valid yet (nbf); check the device clock", json_object("nbf", *nbf, "now", e.now));
  }
  SSOKIT_CHECK(check_sub(claims, e.sub));
  return claims;
}

}  // namespace ssokit
