// Commands that sign in and use a session: login, refresh, revoke.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "loopback/loopback_listener.hpp"
#include "ssokit/client.hpp"

namespace ssokit::cli {
namespace {

Result<Json> profile_mapping_of(const Args& args) {
  const std::string spec = args.get_or("profile-mapping", "oidc");
  if (spec.find('/') == std::string::npos && spec.find('.') == std::string::npos) return Json(spec);  // a preset
  std::ifstream in(spec, std::ios::binary);
  if (!in) return make_error(ErrorCode::invalid_argument, "cannot read the profile mapping file " + spec);
  std::stringstream text;
  text << in.rdbuf();
  return parse_json_object(text.str(), ErrorCode::invalid_argument);
}

Result<SsoClientOptions> client_options(const Args& args, std::string redirect_uri) {
  SsoClientOptions options;
  options.config.issuer = *args.get("issuer");
  options.config.client_id = *args.get("client-id");
  options.config.client_secret = client_secret_from_env();
  options.config.auth = options.config.client_secret.empty() ? ClientAuth::none : ClientAuth::client_secret_basic;
  options.config.redirect_uri = std::move(redirect_uri);
  options.config.scope = args.get_or("scope", options.config.scope);
  options.storage_key = kStorageKey;
  SSOKIT_TRY(options.signin.profile_mapping, profile_mapping_of(args));
  return options;
}

// The CLI prints tokens on purpose (it is the token set the user asked for), as DESIGN.md fixes.
Json session_output(const Session& s) {
  Json out{{"token_type", s.tokens.token_type},
           {"access_token", s.tokens.access_token},
           {"expires_in", s.tokens.expires_in ? Json(*s.tokens.expires_in) : Json(nullptr)},
           {"refresh_token", s.tokens.refresh_token.empty() ? Json(nullptr) : Json(s.tokens.refresh_token)},
           {"id_token", s.tokens.id_token},
           {"claims", s.claims},
           {"profile", s.profile}};
  if (!s.tokens.scope.empty()) out["scope"] = s.tokens.scope;
  return out;
}

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
  }
  SSOKIT_TRY(native::LoopbackListener listener, native::LoopbackListener::bind(lb.host, lb.port, lb.path));
  SSOKIT_TRY(SsoClientOptions options, client_options(args, listener.redirect_uri()));

  MemoryTokenStore memory;
  std::optional<FileTokenStore> file;
  if (auto path = args.get("store")) file.emplace(*path);
  TokenStore& store = file ? static_cast<TokenStore&>(*file) : memory;
  SsoClient client(std::move(options), transport(), store, system_random(), now_seconds);

  AuthorizationOptions authorization;
  if (auto p = args.get("prompt")) authorization.prompt = *p;
  if (auto h = args.get("login-hint")) authorization.login_hint = *h;
  SSOKIT_TRY(std::string url, client.login_url(authorization));
  std::cerr << "Open: " << url << std::endl;

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
  FileTokenStore store(*args.get("store"));
  SsoClient client(std::move(options), transport(), store, system_random(), now_seconds);
  SSOKIT_TRY(Session session, client.refresh());
  return session_output(session);
}

Result<Json> run_revoke(const Args& args) {
  SSOKIT_TRY(SsoClientOptions options, client_options(args, "http://127.0.0.1/callback"));
  FileTokenStore store(*args.get("store"));
  SsoClient client(std::move(options), transport(), store, system_random(), now_seconds);
  SSOKIT_TRY(std::optional<Session> current, client.session());
  if (!current) return make_error(ErrorCode::login_required, "the store holds no session to revoke");
  SSOKIT_CHECK(client.revoke());
  SSOKIT_CHECK(client.forget());
  return Json{{"revoked", current->tokens.refresh_token.empty() ? "access_token" : "refresh_token"}};
}

}  // namespace

std::vector<Command> session_commands() {
  const OptionSpec issuer{"issuer", true, true}, client_id{"client-id", true, true};
  return {
      {"login",
       "--issuer URL --client-id ID [--scope S] [--redirect-uri http://127.0.0.1:PORT/callback] [--timeout SECONDS] "
       "[--store FILE] [--prompt P] [--login-hint H] [--profile-mapping PRESET|FILE]",
       "Signs in through the system browser and a loopback redirect (RFC 8252); prints tokens, claims and "
       "profile. A confidential client's secret comes from SSOKIT_CLIENT_SECRET.",
       {issuer, client_id, {"scope"}, {"redirect-uri"}, {"timeout"}, {"store"}, {"prompt"}, {"login-hint"},
        {"profile-mapping"}},
       0, 0, run_login},
      {"refresh", "--issuer URL --client-id ID --store FILE [--profile-mapping PRESET|FILE]",
       "Refreshes the session kept in --store (the rotated refresh token is saved before it is printed).",
       {issuer, client_id, {"store", true, true}, {"profile-mapping"}, {"scope"}, {"redirect-uri"}}, 0, 0,
       run_refresh},
      {"revoke", "--issuer URL --client-id ID --store FILE",
       "Revokes the session's refresh token (RFC 7009) and forgets the session.",
       {issuer, client_id, {"store", true, true}}, 0, 0, run_revoke},
  };
}

}  // namespace ssokit::cli
