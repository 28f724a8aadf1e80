// Commands that sign in and use a session: login, refresh, revoke, fetch.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "ssokit/native/loopback_listener.hpp"
#include "ssokit/client.hpp"

namespace ssokit::cli {
namespace {

// RFC 8252 section 7.3: the redirect URI is http://127.0.0.1:PORT/path on loopback.
struct Loopback {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/callback";
};

Result<Loopback> loopback_of(const Args& args) {
  Loopback lb;
  auto given = args.get("redirect-uri");
  if (!given) return lb;
  auto url = parse_url(*given);
  if (!url.ok() || url->scheme != "http" || (url->host != "127.0.0.1" && url->host != "::1") || url->query ||
      url->fragment) {
    return make_error(ErrorCode::invalid_argument,
                      "--redirect-uri must be a loopback URI such as http://127.0.0.1:8765/callback (RFC 8252 7.3)");
  }
  lb.host = url->host;
  lb.port = url->port.value_or(80);
  lb.path = url->path.empty() ? "/" : url->path;
  return lb;
}

Result<Json> run_login(const Args& args) {
  SSOKIT_TRY(Loopback lb, loopback_of(args));
  std::int64_t timeout = 300;
  if (auto t = args.get("timeout")) {
    SSOKIT_TRY(timeout, parse_seconds("timeout", *t));
    // No request to the provider may take longer than the whole sign-in is given.
    limit_request_time(timeout);
  }
  SSOKIT_TRY(native::LoopbackListener listener, native::LoopbackListener::bind(lb.host, lb.port, lb.path));
  SSOKIT_TRY(SsoClientOptions options, client_options(args, listener.redirect_uri()));

  std::unique_ptr<TokenStore> store = args.get("store") ? open_store(*args.get("store")) : std::make_unique<MemoryTokenStore>();
  SsoClient client(std::move(options), transport(), *store, system_random(), now_seconds);

  AuthorizationOptions authorization;
  if (auto p = args.get("prompt")) authorization.prompt = *p;
  if (auto h = args.get("login-hint")) authorization.login_hint = *h;
  if (auto m = args.get("max-age")) {
    SSOKIT_TRY(authorization.max_age, parse_seconds("max-age", *m));
  }
  SSOKIT_TRY(std::string url, client.login_url(authorization));
  std::cerr << "Open: " << printable_text(url) << std::endl;

  std::optional<Result<Session>> outcome;
  SSOKIT_TRY(std::string callback_url,
             listener.wait_for_callback(std::chrono::seconds(timeout), [&](std::string_view came_back) {
               outcome.emplace(client.handle_callback(came_back));
               return outcome->ok() ? native::success_page() : native::error_page(outcome->error());
             }));
  (void)callback_url;
  if (!outcome) return make_error(ErrorCode::internal_error, "the callback was not processed");
  SSOKIT_TRY(Session session, std::move(*outcome));
  return session_output(session);
}

Result<Json> run_refresh(const Args& args) {
  SSOKIT_TRY(SsoClientOptions options, client_options(args, args.get_or("redirect-uri", "http://127.0.0.1/callback")));
  auto store = open_store(*args.get("store"));
  SsoClient client(std::move(options), transport(), *store, system_random(), now_seconds);
  SSOKIT_TRY(Session session, client.refresh());
  return session_output(session);
}

Result<Json> run_revoke(const Args& args) {
  SSOKIT_TRY(SsoClientOptions options, client_options(args, "http://127.0.0.1/callback"));
  auto store = open_store(*args.get("store"));
  SsoClient client(std::move(options), transport(), *store, system_random(), now_seconds);
  SSOKIT_TRY(std::optional<Session> current, client.session());
  if (!current) return make_error(ErrorCode::login_required, "the store holds no session to revoke");
  SSOKIT_CHECK(client.revoke());
  return Json{{"revoked", current->tokens.refresh_token.empty() ? "access_token" : "refresh_token"}};
}

// `ssokit fetch URL`: the app's API called with the stored session (SsoClient::authorized_request).
Result<Json> run_fetch(const Args& args) {
  SSOKIT_TRY(SsoClientOptions options, client_options(args, "http://127.0.0.1/callback"));
  HttpRequest request;
  request.url = args.positional()[0];
  request.method = args.get_or("method", args.get("data") ? "POST" : "GET");
  if (request.method != "GET" && request.method != "POST" && request.method != "PUT" && request.method != "PATCH" &&
      request.method != "DELETE") {
    return make_error(ErrorCode::invalid_argument, "--method must be GET, POST, PUT, PATCH or DELETE");
  }
  request.idempotent = request.method == "GET";
  request.body = args.get_or("data", "");
  for (const std::string& header : args.get_all("header")) {
    const auto colon = header.find(':');
    if (colon == std::string::npos || colon == 0) {
      return make_error(ErrorCode::invalid_argument, "--header must be \"Name: value\"");
    }
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    request.headers.emplace_back(header.substr(0, colon), std::move(value));
  }
  auto store = open_store(*args.get("store"));
  SsoClient client(std::move(options), transport(), *store, system_random(), now_seconds);
  SSOKIT_TRY(HttpResponse response, client.authorized_request(std::move(request)));
  Json headers = Json::object();
  for (const auto& [name, value] : response.headers) {
    std::string lower = name;
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    headers[lower] = headers.contains(lower) ? headers[lower].get<std::string>() + ", " + value : value;
  }
  Json out{{"status", response.status}, {"headers", headers}, {"body", response.body}};
  if (auto json = parse_json(response.body); json.ok()) out["json"] = json.value();
  return out;
}

}  // namespace

std::vector<Command> session_commands() {
  const OptionSpec issuer{"issuer", true, true}, client_id{"client-id", true, true};
  const OptionSpec auth_method{"auth-method"}, private_key{"private-key"}, private_key_id{"private-key-id"},
      private_key_alg{"private-key-alg"};
  return {
      {"login",
       "--issuer URL --client-id ID [--scope S] [--redirect-uri http://127.0.0.1:PORT/callback] [--timeout SECONDS] "
       "[--store FILE] [--prompt P] [--login-hint H] [--max-age SECONDS] [--profile-mapping PRESET|FILE] "
       "[--profile-endpoint URL] [--no-userinfo] [--trusted-audience AUD]... [--alg NAME ...] [--par] [--dpop] " CLIENT_AUTH_USAGE,
       "Signs in through the system browser and a loopback redirect (RFC 8252); prints tokens, claims and "
       "profile. --timeout (default 300 s) bounds the wait for the browser and each request to the provider "
       "(at most 15 s each). --max-age: the provider must re-authenticate a sign-in older than this "
       "(the ID token's auth_time is checked). --profile-endpoint URL: an extra GET with the access token "
       "after user-info, its JSON answer is the profile mapping's \"profile\" document (docs/profile-mapping.md). "
       "--no-userinfo: no user-info request (an access token for another API, RFC 8707, is refused there); "
       "claims and profile come from the ID token. --trusted-audience AUD (repeatable): an audience besides "
       "the client ID that the ID token may name; any other is id_token_aud_mismatch. "
       "A confidential client's secret comes from SSOKIT_CLIENT_SECRET. " CLIENT_AUTH_HELP " --store FILE is encrypted "
       "(AES-256-GCM) when SSOKIT_STORE_KEY (32 bytes: 64 hex digits or base64url) or SSOKIT_STORE_KEY_FILE "
       "(a chmod-600 key file) is set, else plain JSON. --alg NAME (repeatable or comma-separated): the only "
       "ID-token algorithms accepted (default: RS256-512, PS256-512, ES256, ES384, ES512, EdDSA, Ed25519; HS256 "
       "too with a client secret); the sign-in stops before the browser opens when the provider offers none of them. "
       "--par pushes the authorization request (RFC 9126) "
       "and opens the browser with client_id and request_uri only; it is pushed anyway when the provider "
       "has a pushed_authorization_request_endpoint. " DPOP_HELP,
       {issuer, client_id, {"scope"}, {"redirect-uri"}, {"timeout"}, {"store"}, {"prompt"}, {"login-hint"},
        {"max-age"}, {"profile-mapping"}, {"profile-endpoint"}, {"no-userinfo", false},
        {"trusted-audience", true, false, true}, {"alg", true, false, true}, {"par", false}, {"dpop", false}, auth_method, private_key,
        private_key_id, private_key_alg},
       0, 0, run_login},
      {"refresh", "--issuer URL --client-id ID --store FILE [--profile-mapping PRESET|FILE] [--trusted-audience AUD]... "
                  "[--alg NAME ...] [--dpop] " CLIENT_AUTH_USAGE,
       "Refreshes the session kept in --store (the rotated refresh token is saved before it is printed). "
       "A new ID token is validated as at login (--trusted-audience and --alg as for login). Client authentication as "
       "for login. SSOKIT_STORE_KEY / SSOKIT_STORE_KEY_FILE: the store is encrypted (see login). A DPoP session "
       "(login --dpop) refreshes with its key from --store, --dpop or not; without that key it is login_required "
       "and the session is forgotten.",
       {issuer, client_id, {"store", true, true}, {"profile-mapping"}, {"scope"}, {"redirect-uri"},
        {"trusted-audience", true, false, true}, {"alg", true, false, true}, {"dpop", false}, auth_method, private_key,
        private_key_id, private_key_alg}, 0, 0,
       run_refresh},
      {"revoke", "--issuer URL --client-id ID --store FILE " CLIENT_AUTH_USAGE,
       "Revokes the session's refresh token (RFC 7009) and forgets the session. Client authentication as for "
       "login (the provider's revocation_endpoint_auth_methods_supported first). "
       "SSOKIT_STORE_KEY / SSOKIT_STORE_KEY_FILE: the store is encrypted (see login).",
       {issuer, client_id, {"store", true, true}, auth_method, private_key, private_key_id, private_key_alg}, 0, 0,
       run_revoke},
      {"fetch", "--issuer URL --client-id ID --store FILE [--method M] [--data TEXT] [--header \"Name: value\"]... "
                CLIENT_AUTH_USAGE " URL",
       "Calls your API at URL with the session in --store: the access token (refreshed first when due) as "
       "\"Authorization: DPoP\" with a DPoP proof for a DPoP session (login --dpop), one retry when the server "
       "asks for a DPoP nonce, else as Bearer. Prints {\"status\", \"headers\", \"body\", \"json\"?} for any "
       "HTTP status (exit 0; the request failing to get an answer is exit 1). --method GET (default; POST with "
       "--data), POST, PUT, PATCH or DELETE; --header (repeatable) adds a request header. Redirects are not "
       "followed. SSOKIT_STORE_KEY / SSOKIT_STORE_KEY_FILE: the store is encrypted (see login).",
       {issuer, client_id, {"store", true, true}, {"method"}, {"data"}, {"header", true, false, true}, auth_method,
        private_key, private_key_id, private_key_alg},
       1, 1, run_fetch},
  };
}

}  // namespace ssokit::cli
