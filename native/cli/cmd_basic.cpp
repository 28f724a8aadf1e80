// Commands that need no stored session: pkce, authorize-url, logout-url, decode, verify.
#include <cstdlib>

#include "cli.hpp"
#include "ssokit/pkce.hpp"
#include "ssokit/redact.hpp"

namespace ssokit::cli {
namespace {

Result<Json> run_pkce(const Args& args) {
  Result<Pkce> pair = args.get("verifier") ? pkce_from_verifier(*args.get("verifier")) : generate_pkce(system_random());
  SSOKIT_TRY(Pkce pkce, std::move(pair));
  return Json{{"code_verifier", pkce.code_verifier},
              {"code_challenge", pkce.code_challenge},
              {"code_challenge_method", Pkce::method}};
}

// --param k=v pairs; a parameter without "=" is a usage mistake.
Result<Params> extra_params(const Args& args) {
  Params out;
  for (const auto& p : args.get_all("param")) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return make_error(ErrorCode::invalid_argument, "--param takes name=value (got \"" + p.substr(0, 40) + "\")");
    }
    out.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  return out;
}

Result<Json> run_authorize_url(const Args& args) {
  ClientConfig client;
  client.issuer = *args.get("issuer");
  client.client_id = *args.get("client-id");
  client.redirect_uri = *args.get("redirect-uri");
  client.scope = args.get_or("scope", client.scope);
  client.par = args.flag("par");
  client.client_secret = client_secret_from_env();  // a pushed request authenticates the client
  client.auth = client.client_secret.empty() ? ClientAuth::none : ClientAuth::client_secret_basic;
  SSOKIT_TRY(ProviderMetadata provider, provider_for(args));
  AuthorizationOptions options;
  SSOKIT_TRY(options.extra, extra_params(args));
  if (auto v = args.get("prompt")) options.prompt = *v;
  if (auto v = args.get("login-hint")) options.login_hint = *v;
  SSOKIT_TRY(AuthorizationRequest request, build_authorization_request(client, provider, options, system_random(), now_seconds()));
  if (request.push) {
    // RFC 9126: pushed first; the URL then carries client_id and request_uri only.
    SSOKIT_TRY(HttpResponse pushed, transport().send(*request.push));
    auto url = process_pushed_authorization_response(client, provider, pushed);
    if (!url.ok()) return redact_secrets(url.take_error(), {client.client_secret});
    request.url = std::move(url).value();
  }
  Json out{{"url", request.url}, {"state", request.transaction.state}, {"code_verifier", request.transaction.code_verifier}};
  out["nonce"] = request.transaction.nonce.empty() ? Json(nullptr) : Json(request.transaction.nonce);
  return out;
}

Result<Json> run_logout_url(const Args& args) {
  SSOKIT_TRY(ProviderMetadata provider, provider_for(args));
  LogoutOptions options;
  options.client_id = args.get_or("client-id", "");
  options.post_logout_redirect_uri = args.get_or("post-logout-redirect-uri", "");
  options.state = args.get_or("state", "");
  // The ID token hint is a token: from the session store or the environment, never argv.
  if (auto store = args.get("store")) {
    SSOKIT_TRY(std::optional<Session> session, load_session(*store));
    if (session) options.id_token_hint = session->tokens.id_token;
  } else if (const char* hint = std::getenv("SSOKIT_ID_TOKEN")) {
    options.id_token_hint = hint;
  }
  SSOKIT_TRY(std::string url, build_logout_url(provider, options));
  return Json{{"url", url}};
}

}  // namespace

std::vector<Command> basic_commands() {
  return {
      {"pkce", "[--verifier V]", "Prints a PKCE pair (RFC 7636, S256); for a given verifier, its challenge.",
       {{"verifier"}}, 0, 0, run_pkce},
      {"authorize-url",
       "--issuer URL --client-id ID --redirect-uri URI [--scope S] [--prompt P] [--login-hint H] [--param k=v ...] "
       "[--authorization-endpoint URL] [--par]",
       "Builds an authorization URL with state, nonce and PKCE (discovers the provider unless "
       "--authorization-endpoint is given). With --par, or when the provider has a "
       "pushed_authorization_request_endpoint, the parameters are pushed (RFC 9126; a confidential "
       "client's secret from SSOKIT_CLIENT_SECRET) and the URL carries client_id and request_uri only.",
       {{"issuer", true, true}, {"client-id", true, true}, {"redirect-uri", true, true}, {"scope"}, {"prompt"},
        {"login-hint"}, {"param", true, false, true}, {"authorization-endpoint"}, {"par", false}},
       0, 0, run_authorize_url},
      {"logout-url",
       "--issuer URL [--client-id ID] [--post-logout-redirect-uri URI] [--state S] [--store FILE] "
       "[--end-session-endpoint URL]",
       "Builds the provider's RP-initiated logout URL (id_token_hint from --store or SSOKIT_ID_TOKEN).",
       {{"issuer", true, true}, {"client-id"}, {"post-logout-redirect-uri"}, {"state"}, {"store"},
        {"end-session-endpoint"}},
       0, 0, run_logout_url},
  };
}

}  // namespace ssokit::cli
