// What several commands share: the transport, provider discovery, the session file.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/profile.hpp"
#include "ssokit/native/encrypted_file_store.hpp"
#include "ssokit/native/file_store.hpp"
#include "ssokit/native/curl_transport.hpp"

namespace ssokit::cli {

namespace {

native::CurlTransportOptions& transport_options() {
  static native::CurlTransportOptions options;
  return options;
}

}  // namespace

void limit_request_time(std::int64_t seconds) {
  auto& o = transport_options();
  const long ms = seconds <= 0 ? 1000 : static_cast<long>(std::min<std::int64_t>(seconds, 3600) * 1000);
  o.connect_timeout_ms = std::min(o.connect_timeout_ms, ms);
  o.total_timeout_ms = std::min(o.total_timeout_ms, ms);
}

HttpTransport& transport() {
  static native::CurlTransport curl(transport_options());
  return curl;
}

Result<ProviderMetadata> provider_for(const Args& args) {
  const std::string issuer = *args.get("issuer");
  auto authorization = args.get("authorization-endpoint");
  auto end_session = args.get("end-session-endpoint");
  if (authorization || end_session) {
    ProviderMetadata offline;
    offline.issuer = issuer;
    if (authorization) offline.authorization_endpoint = *authorization;
    if (end_session) offline.end_session_endpoint = *end_session;
    return offline;
  }
  SSOKIT_TRY(HttpRequest request, discovery_request(issuer));
  SSOKIT_TRY(HttpResponse response, transport().send(request));
  return process_discovery_response(issuer, response);
}

// SSOKIT_STORE_LOCK_WAIT: seconds (0 to 3600) to wait for a store lock another process holds,
// then storage_error; unset or not such a number: the stores' default (10 s).
static std::chrono::milliseconds store_lock_wait() {
  const char* text = std::getenv("SSOKIT_STORE_LOCK_WAIT");
  if (text == nullptr || *text == '\0' || std::strlen(text) > 4 || std::strspn(text, "0123456789") != std::strlen(text)) {
    return native::kDefaultLockWait;
  }
  const long seconds = std::strtol(text, nullptr, 10);
  return seconds <= 3600 ? std::chrono::milliseconds(seconds * 1000) : native::kDefaultLockWait;
}

std::unique_ptr<TokenStore> open_store(const std::string& path) {
  const char* key = std::getenv("SSOKIT_STORE_KEY");
  const char* key_file = std::getenv("SSOKIT_STORE_KEY_FILE");
  const bool has_key = key != nullptr && *key != '\0';
  const bool has_key_file = key_file != nullptr && *key_file != '\0';
  if (!has_key && !has_key_file) return std::make_unique<native::FileTokenStore>(path, store_lock_wait());
  std::unique_ptr<native::KeyProvider> provider;
  if (has_key && has_key_file) {
    // Ambiguous: refuse rather than guess which key the user meant.
    provider = std::make_unique<native::CallbackKeyProvider>([]() -> Result<Bytes> {
      return make_error(ErrorCode::invalid_argument, "set only one of SSOKIT_STORE_KEY and SSOKIT_STORE_KEY_FILE");
    });
  } else if (has_key) {
    provider = std::make_unique<native::EnvKeyProvider>("SSOKIT_STORE_KEY");
  } else {
    provider = std::make_unique<native::KeyFileProvider>(key_file);
  }
  native::EncryptedStoreOptions options;
  options.lock_wait = store_lock_wait();
  return std::make_unique<native::EncryptedFileStore>(path, std::move(provider), std::move(options));
}

Result<std::optional<Session>> load_session(const std::string& store_path) {
  auto store = open_store(store_path);
  SSOKIT_TRY(std::optional<std::string> text, store->get(std::string(kStorageKey) + ".session"));
  if (!text) return std::optional<Session>();
  auto doc = parse_json_object(*text, ErrorCode::storage_error);
  if (!doc.ok()) return make_error(ErrorCode::storage_error, "the stored session is unreadable; sign in again");
  SSOKIT_TRY(Session session, Session::from_json(doc.value()));
  return std::optional<Session>(std::move(session));
}

Result<Json> profile_mapping_of(const Args& args) {
  const std::string spec = args.get_or("profile-mapping", "oidc");
  if (spec.find('/') == std::string::npos && spec.find('.') == std::string::npos) return Json(spec);  // a preset
  std::ifstream in(spec, std::ios::binary);
  if (!in) return make_error(ErrorCode::invalid_argument, "cannot read the profile mapping file " + spec);
  std::stringstream text;
  text << in.rdbuf();
  return parse_json_object(text.str(), ErrorCode::invalid_argument);
}

Result<std::vector<std::string>> allowed_algs_of(const Args& args) {
  std::vector<std::string> algs;
  for (const auto& value : args.get_all("alg")) {
    std::size_t pos = 0;
    while (pos <= value.size()) {
      std::size_t end = value.find(',', pos);
      if (end == std::string::npos) end = value.size();
      const std::string name = value.substr(pos, end - pos);
      if (!jws_alg_supported(name)) {
        return make_error(ErrorCode::invalid_argument,
                          "--alg \"" + name.substr(0, 40) + "\" is not a JWS algorithm ssokit verifies; the supported ones are " +
                              supported_jws_algs() + " (\"none\" never is)",
                          {{"alg", name.substr(0, 40)}});
      }
      algs.push_back(name);
      pos = end + 1;
    }
  }
  return algs;
}

// --private-key FILE, else SSOKIT_PRIVATE_KEY (the PEM or JWK text itself); empty without either.
Result<std::string> private_key_of(const Args& args) {
  if (auto file = args.get("private-key")) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) return make_error(ErrorCode::invalid_argument, "cannot read the private key file " + file->substr(0, 200));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  const char* env = std::getenv("SSOKIT_PRIVATE_KEY");
  return std::string(env != nullptr ? env : "");
}

Result<SsoClientOptions> client_options(const Args& args, std::string redirect_uri) {
  SsoClientOptions options;
  options.config.issuer = *args.get("issuer");
  options.config.client_id = *args.get("client-id");
  options.config.client_secret = client_secret_from_env();
  // Without --auth-method: the first method the provider lists that the credentials allow.
  if (auto method = args.get("auth-method")) {
    SSOKIT_TRY(options.config.auth, parse_client_auth(*method));
  }
  SSOKIT_TRY(options.config.private_key, private_key_of(args));
  options.config.private_key_alg = args.get_or("private-key-alg", "");
  options.config.private_key_id = args.get_or("private-key-id", "");
  if (!options.config.private_key_alg.empty() && options.config.private_key_alg != "RS256" &&
      options.config.private_key_alg != "PS256" && options.config.private_key_alg != "ES256") {
    return make_error(ErrorCode::invalid_argument, "--private-key-alg must be RS256, PS256 or ES256");
  }
  SSOKIT_CHECK(load_client_key(options));  // an unusable key fails now, before any request
  options.config.redirect_uri = std::move(redirect_uri);
  options.config.scope = args.get_or("scope", options.config.scope);
  options.config.par = args.flag("par");  // pushed authorization request (RFC 9126) even if not offered
  // --dpop: new sign-ins bind the tokens to a new key (RFC 9449); a stored DPoP session refreshes
  // with its key without it.
  options.config.dpop = args.flag("dpop");
  options.storage_key = kStorageKey;
  SSOKIT_TRY(options.config.allowed_algs, allowed_algs_of(args));
  SSOKIT_TRY(options.signin.profile_mapping, profile_mapping_of(args));
  options.signin.profile_endpoint = args.get_or("profile-endpoint", "");
  // --no-userinfo: the access token may be for another API (RFC 8707), which user-info refuses.
  options.signin.fetch_userinfo = !args.flag("no-userinfo");
  options.config.trusted_audiences = args.get_all("trusted-audience");
  for (const std::string& audience : options.config.trusted_audiences) {
    if (audience.empty()) return make_error(ErrorCode::invalid_argument, "--trusted-audience needs a non-empty audience");
  }
  // Refused before any browser is opened (the sign-in would check it only at the callback).
  if (!options.signin.profile_endpoint.empty()) SSOKIT_CHECK(check_profile_endpoint(options.signin.profile_endpoint));
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

}  // namespace ssokit::cli
