// JSON methods for the OAuth / OpenID Connect steps. JavaScript sends the HttpRequests these
// build with fetch and hands the HttpResponses back: the same validation code as natively.
#include "api_internal.hpp"
#include "ssokit/dpop.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/userinfo.hpp"

namespace ssokit::api {

Json request_to_json(const HttpRequest& r) {
  Json headers = Json::array();
  for (const auto& [n, v] : r.headers) headers.push_back({n, v});
  Json j = Json::object();
  j.set("method", r.method);
  j.set("url", r.url);
  j.set("headers", headers);
  j.set("idempotent", r.idempotent);
  if (!r.body.empty()) j["body"] = r.body;
  if (!r.sign.empty()) {
    // The sign effect (http.hpp): the host completes each entry before sending.
    Json sign = Json::array();
    for (const SignRequest& s : r.sign) {
      Json entry = Json::object();
      entry.set("alg", s.alg);
      entry.set("key", s.key);
      entry.set("input", s.input);
      if (!s.header.empty()) entry["header"] = s.header;
      if (!s.form_field.empty()) entry["form_field"] = s.form_field;
      sign.push_back(std::move(entry));
    }
    j["sign"] = std::move(sign);
  }
  return j;
}

Result<std::vector<SignRequest>> sign_from_json(const Json* value) {
  std::vector<SignRequest> out;
  if (value == nullptr || value->is_null()) return out;
  if (!value->is_array()) return bad_param("request.sign", "must be an array of {alg, key, input, header | form_field}");
  for (const Json& e : *value) {
    if (!e.is_object()) return bad_param("request.sign", "entries must be objects");
    SignRequest s;
    s.alg = json_text(e, "alg");
    s.key = json_text(e, "key");
    s.input = json_text(e, "input");
    s.header = json_text(e, "header");
    s.form_field = json_text(e, "form_field");
    if (s.alg.empty() || s.key.empty() || s.input.empty() || s.header.empty() == s.form_field.empty()) {
      return bad_param("request.sign", "entries need alg, key, input and exactly one of header and form_field");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Json response_to_json(const HttpResponse& r) {
  Json headers = Json::array();
  for (const auto& [n, v] : r.headers) headers.push_back({n, v});
  Json out = Json::object();
  out.set("status", r.status);
  out.set("headers", headers);
  out.set("body", r.body);
  return out;
}

Result<Params> params_from_json(const Json& value, std::string_view name) {
  Params out;
  if (value.is_null()) return out;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!it.value().is_string()) return bad_param(name, "values must be strings");
      out.emplace_back(it.key(), it.value().get<std::string>());
    }
    return out;
  }
  if (!value.is_array()) return bad_param(name, "must be an array of [name, value] pairs or an object");
  for (const auto& pair : value) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return bad_param(name, "must be an array of [name, value] string pairs");
    }
    out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return out;
}

Result<HttpResponse> response_from_json(const Json& p) {
  const Json* r = json_member(p, "response");
  if (r == nullptr || !r->is_object()) return bad_param("response", "is required: {status, headers, body}");
  HttpResponse response;
  auto status = json_int(*r, "status");
  if (!status) return bad_param("response.status", "must be an integer");
  response.status = static_cast<int>(*status);
  response.body = json_text(*r, "body");
  if (const Json* h = json_member(*r, "headers")) {
    SSOKIT_TRY(response.headers, params_from_json(*h, "response.headers"));
  }
  return response;
}

Result<std::int64_t> need_now(const Json& p) {
  auto now = json_int(p, "now");
  if (!now) return bad_param("now", "is required: the current time in unix seconds");
  return *now;
}

Result<ProviderMetadata> provider_from_json(const Json& p) {
  const Json* m = json_member(p, "provider");
  if (m == nullptr) return bad_param("provider", "is required (the discovery document)");
  auto metadata = ProviderMetadata::from_json(*m);
  if (!metadata.ok()) return make_error(ErrorCode::invalid_argument, "parameter \"provider\": " + metadata.error().message);
  return metadata;
}

Result<ClientConfig> client_from_json(const Json& p) {
  const Json* c = json_member(p, "client");
  if (c == nullptr || !c->is_object()) return bad_param("client", "is required: {issuer, client_id, redirect_uri, ...}");
  return ClientConfig::from_json(*c);
}

Result<Transaction> transaction_from_json(const Json& p) {
  const Json* t = json_member(p, "transaction");
  if (t == nullptr) return bad_param("transaction", "is required");
  return Transaction::from_json(*t);
}

namespace {

Result<Json> m_discovery_request(const Json& p) {
  SSOKIT_TRY(std::string issuer, need_string(p, "issuer"));
  SSOKIT_TRY(HttpRequest r, discovery_request(issuer));
  return request_to_json(r);
}

Result<Json> m_discovery_process(const Json& p) {
  SSOKIT_TRY(std::string issuer, need_string(p, "issuer"));
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_TRY(ProviderMetadata m, process_discovery_response(issuer, response));
  return m.to_json();
}

Result<Json> m_authorize_build(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  AuthorizationOptions options;
  if (const Json* o = json_member(p, "options"); o != nullptr && o->is_object()) {
    if (auto v = json_string_at(*o, "scope")) options.scope = *v;
    if (auto v = json_string_at(*o, "prompt")) options.prompt = *v;
    if (auto v = json_string_at(*o, "login_hint")) options.login_hint = *v;
    if (auto v = json_int(*o, "max_age")) options.max_age = *v;
    if (auto v = json_string_at(*o, "acr_values")) options.acr_values = *v;
    if (auto v = json_string_at(*o, "ui_locales")) options.ui_locales = *v;
    if (auto v = json_string_at(*o, "return_to")) options.return_to = *v;
    if (const Json* extra = json_member(*o, "extra")) {
      SSOKIT_TRY(options.extra, params_from_json(*extra, "options.extra"));
    }
    if (const Json* jwk = json_member(*o, "dpop_jwk"); jwk != nullptr && !jwk->is_null()) options.dpop_jwk = *jwk;
  }
  SSOKIT_TRY(auto rng, call_random(p));
  Result<AuthorizationRequest> request = build_authorization_request(client, provider, options, *rng, now);
  if (!request.ok()) return request.take_error();
  Json out = Json::object();
  out.set("url", request->url);
  out.set("transaction", request->transaction.to_json());
  // RFC 9126: send `push`, then authorize.pushed turns its answer into the URL.
  if (request->push) out["push"] = request_to_json(*request->push);
  return out;
}

// {client, provider, response} -> the authorization URL (client_id and request_uri only).
Result<Json> m_authorize_pushed(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_TRY(std::string url, process_pushed_authorization_response(client, provider, response));
  Json out = Json::object();
  out.set("url", url);
  return out;
}

Result<Json> m_callback_state(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(std::string state, callback_state(url));
  return Json(state);
}

// {url, redirect_uri?} -> true when the URL carries an authorization response (and, with
// redirect_uri, is at it).
Result<Json> m_callback_is_response(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  auto redirect_uri = json_string_at(p, "redirect_uri");
  return Json(redirect_uri ? is_callback_for(url, *redirect_uri) : is_authorization_response(url));
}

// {client} -> true, or the first configuration mistake (check_client_config).
Result<Json> m_client_check(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_CHECK(check_client_config(client));
  return Json(true);
}

Result<Json> m_callback_process(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(Transaction tx, transaction_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(CallbackResult r, process_callback(url, tx, provider, now));
  Json out = Json::object();
  out.set("code", r.code);
  out.set("state", r.state);
  return out;
}

Result<Json> m_token_code_request(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(Transaction tx, transaction_from_json(p));
  SSOKIT_TRY(std::string code, need_string(p, "code"));
  SSOKIT_TRY(HttpRequest r, authorization_code_request(client, provider, tx, code, json_int(p, "now").value_or(0)));
  return request_to_json(r);
}

Result<Json> m_token_refresh_request(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(std::string refresh_token, need_string(p, "refresh_token"));
  std::optional<std::string> scope = json_string(p, "scope");
  SSOKIT_TRY(HttpRequest r, refresh_request(client, provider, refresh_token, scope, json_int(p, "now").value_or(0)));
  return request_to_json(r);
}

Result<Json> m_token_process(const Json& p) {
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(TokenSet tokens, process_token_response(response, now, json_bool(p, "dpop").value_or(false)));
  return tokens.to_json();
}

// {key: {alg?, jwk}, method, url, now, nonce?, access_token?, random?} -> a sign entry
// {alg, key: "dpop", input, header: "DPoP"} for the host to sign (RFC 9449 4).
Result<Json> m_dpop_proof(const Json& p) {
  const Json* k = json_member(p, "key");
  if (k == nullptr) return bad_param("key", "is required: {alg, jwk} (the public half of the DPoP key)");
  SSOKIT_TRY(DpopKey key, DpopKey::from_json(*k));
  SSOKIT_TRY(std::string method, need_string(p, "method"));
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  const std::string nonce = json_text(p, "nonce");
  const std::string access_token = json_text(p, "access_token");
  SSOKIT_TRY(auto rng, call_random(p));  // 16 bytes for the jti; a page passes its host's
  auto proof = dpop_proof(key, method, url, now, *rng, nonce, access_token);
  if (!proof.ok()) return proof.take_error();
  Json out = Json::object();
  out.set("alg", proof->alg);
  out.set("key", proof->key);
  out.set("input", proof->input);
  out.set("header", proof->header);
  return out;
}

// {jwk} -> the RFC 7638 thumbprint (dpop_jkt).
Result<Json> m_dpop_thumbprint(const Json& p) {
  const Json* jwk = json_member(p, "jwk");
  if (jwk == nullptr) return bad_param("jwk", "is required");
  SSOKIT_TRY(std::string jkt, jwk_thumbprint(*jwk));
  return Json(jkt);
}

// {response} -> {nonce}: the DPoP-Nonce to retry with, or null when the answer asks for none.
Result<Json> m_dpop_nonce_challenge(const Json& p) {
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  auto nonce = dpop_nonce_challenge(response);
  Json out = Json::object();
  out.set("nonce", nonce ? Json(*nonce) : Json(nullptr));
  return out;
}

// {client, provider} -> {wanted}: whether a sign-in uses DPoP (the host then makes a new key).
Result<Json> m_dpop_wanted(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  Json out = Json::object();
  out.set("wanted", dpop_wanted(client, provider));
  return out;
}

// {nonces?, url, response} -> {nonces}: the DPoP-Nonce the answer carries, kept for its origin.
Result<Json> m_dpop_remember(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  const Json* given = json_member(p, "nonces");
  Json nonces = given != nullptr && given->is_object() ? *given : Json::object();
  remember_dpop_nonce(nonces, url, response);
  Json out = Json::object();
  out.set("nonces", std::move(nonces));
  return out;
}

// {session, request: {method, url, headers?, body?}, nonces?, now, random?} -> the request with
// the session's access token (DPoP + a proof to sign, or Bearer): authorized_request.
Result<Json> m_resource_request(const Json& p) {
  const Json* s = json_member(p, "session");
  if (s == nullptr) return bad_param("session", "is required");
  SSOKIT_TRY(Session session, Session::from_json(*s));
  const Json* r = json_member(p, "request");
  if (r == nullptr) return bad_param("request", "is required: {method, url, headers?, body?}");
  SSOKIT_TRY(HttpRequest request, request_from_json(*r, "request"));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  const Json* nonces = json_member(p, "nonces");
  SSOKIT_TRY(auto rng, call_random(p));
  SSOKIT_TRY(HttpRequest out, authorized_request(std::move(request), session, nonces != nullptr ? *nonces : Json::object(),
                                                 now, *rng));
  return request_to_json(out);
}

// {session, url, response, attempt, nonces?} -> {retry, nonce, nonces}: what the driver does with
// the answer to a resource.request it sent (attempt 1, then 2 for the retry): resource_response.
// `nonces` comes back with the answer's DPoP-Nonce kept for the url's origin.
Result<Json> m_resource_response(const Json& p) {
  const Json* s = json_member(p, "session");
  if (s == nullptr) return bad_param("session", "is required");
  SSOKIT_TRY(Session session, Session::from_json(*s));
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  const auto attempt = json_int(p, "attempt");
  if (!attempt || *attempt < 1) return bad_param("attempt", "must be the attempt's number: 1 for the first send, 2 for the retry");
  const Json* given = json_member(p, "nonces");
  Json nonces = given != nullptr && given->is_object() ? *given : Json::object();
  const ResourceAnswer answer = resource_response(response, session, *attempt > 2 ? 3 : static_cast<int>(*attempt));
  if (answer.nonce) remember_dpop_nonce(nonces, url, response);
  Json out = Json::object();
  out.set("retry", answer.retry);
  out.set("nonce", answer.nonce ? Json(*answer.nonce) : Json(nullptr));
  out.set("nonces", std::move(nonces));
  return out;
}

Result<Json> m_userinfo_request(const Json& p) {
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(std::string access_token, need_string(p, "access_token"));
  SSOKIT_TRY(HttpRequest r, userinfo_request(provider, access_token));
  return request_to_json(r);
}

// {expect: {issuer, client_id, now, clock_skew?, client_secret?, allowed_algs?}} with the sub.
Result<UserinfoExpectations> userinfo_expectations_from_json(const Json& p, std::string sub) {
  SSOKIT_TRY(IdTokenExpectations e, expectations_from_json(p));
  return userinfo_expectations(e, std::move(sub));
}

// {response, sub} -> the claims of a JSON answer. With {jwks, expect} a signed answer
// (application/jwt) is understood too: then the answer is {"claims"} for a JSON answer, or a
// verify effect whose continuation (flow.step {state, verified}) answers {"claims"}: a caller
// never mistakes claims the provider wrote for a verify effect.
Result<Json> m_userinfo_process(const Json& p) {
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_TRY(std::string sub, need_string(p, "sub"));
  const Json* jwks_json = json_member(p, "jwks");
  if (jwks_json == nullptr) return process_userinfo_response(response, sub);
  SSOKIT_TRY(UserinfoAnswer answer, read_userinfo_response(response, sub));
  if (!answer.jwt) return json_object("claims", std::move(answer.claims));
  SSOKIT_TRY(Jwks jwks, Jwks::parse(*jwks_json));
  SSOKIT_TRY(UserinfoExpectations e, userinfo_expectations_from_json(p, sub));
  SSOKIT_TRY(VerifyRequest request, signed_userinfo_verify_request(*answer.jwt, jwks, e));
  const std::string jwt = answer.jwt->signing_input + "." + base64url_encode(answer.jwt->signature);
  Json state = Json::object();
  state.set("kind", "userinfo");
  state.set("jwt", jwt);
  state.set("sub", sub);
  state.set("expect", p["expect"]);
  Json out = Json::object();
  out.set("state", std::move(state));
  out.set("verify", request.to_json());
  return out;
}

Result<Json> m_revocation_request(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(std::string token, need_string(p, "token"));
  SSOKIT_TRY(HttpRequest r, revocation_request(client, provider, token, opt_string(p, "token_type_hint"),
                                                json_int(p, "now").value_or(0)));
  return request_to_json(r);
}

Result<Json> m_revocation_process(const Json& p) {
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_CHECK(process_revocation_response(response));
  return Json(true);
}

Result<Json> m_logout_url(const Json& p) {
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  LogoutOptions options;
  options.id_token_hint = opt_string(p, "id_token_hint");
  options.post_logout_redirect_uri = opt_string(p, "post_logout_redirect_uri");
  options.state = opt_string(p, "state");
  options.client_id = opt_string(p, "client_id");
  options.ui_locales = opt_string(p, "ui_locales");
  SSOKIT_TRY(std::string url, build_logout_url(provider, options));
  return Json(url);
}

constexpr Method kOauthMethods[] = {
    {"discovery.request", m_discovery_request},
    {"discovery.process", m_discovery_process},
    {"authorize.build", m_authorize_build},
    {"authorize.pushed", m_authorize_pushed},
    {"callback.state", m_callback_state},
    {"callback.process", m_callback_process},
    {"callback.is_response", m_callback_is_response},
    {"client.check", m_client_check},
    {"token.code_request", m_token_code_request},
    {"token.refresh_request", m_token_refresh_request},
    {"token.process", m_token_process},
    {"dpop.proof", m_dpop_proof},
    {"dpop.thumbprint", m_dpop_thumbprint},
    {"dpop.nonce_challenge", m_dpop_nonce_challenge},
    {"dpop.wanted", m_dpop_wanted},
    {"dpop.remember", m_dpop_remember},
    {"resource.request", m_resource_request},
    {"resource.response", m_resource_response},
    {"userinfo.request", m_userinfo_request},
    {"userinfo.process", m_userinfo_process},
    {"revocation.request", m_revocation_request},
    {"revocation.process", m_revocation_process},
    {"logout.url", m_logout_url},
};

}  // namespace

MethodTable oauth_methods() { return {kOauthMethods, sizeof kOauthMethods / sizeof kOauthMethods[0]}; }

Result<FlowStep> userinfo_verified(const Json& state, bool verified) {
  SSOKIT_TRY(std::string jwt, need_string(state, "jwt"));
  SSOKIT_TRY(std::string sub, need_string(state, "sub"));
  SSOKIT_TRY(UserinfoExpectations e, userinfo_expectations_from_json(state, sub));
  SSOKIT_TRY(Jws jws, parse_jws(jwt, ErrorCode::invalid_response));
  SSOKIT_TRY(Json claims, finish_signed_userinfo(jws, verified, e));
  FlowStep step;
  step.state = json_object("kind", "userinfo");
  step.result = json_object("claims", std::move(claims));
  return step;
}

}  // namespace ssokit::api
