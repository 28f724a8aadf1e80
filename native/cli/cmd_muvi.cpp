// `ssokit muvi ...` commands (docs/platforms/muvi.md): the Muvi store's user API and its signed
// auto-login link. The store's auth token comes from SSOKIT_MUVI_AUTH_TOKEN and the JWT secret
// from SSOKIT_MUVI_JWT_SECRET, never from argv (argv is visible to every user of the machine).
#include <cstdlib>

#include "cli.hpp"
#include "ssokit/native/drive.hpp"
#include "ssokit/platforms/muvi.hpp"

namespace ssokit::cli {
namespace {

constexpr const char* kAuthTokenEnv = "SSOKIT_MUVI_AUTH_TOKEN";
constexpr const char* kJwtSecretEnv = "SSOKIT_MUVI_JWT_SECRET";

Result<std::string> from_env(const char* name, const char* what) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return make_error(ErrorCode::invalid_argument, std::string("set ") + name + " to " + what + " (never on the command line)");
  }
  return std::string(value);
}

Result<MuviUserRequest> user_request(const Args& args) {
  MuviUserRequest r;
  r.store = *args.get("store");
  r.email = *args.get("email");
  r.name = args.get_or("name", "");
  SSOKIT_TRY(r.auth_token, from_env(kAuthTokenEnv, "the Muvi store's auth token (Muvi admin: Settings > Advanced)"));
  return r;
}

Result<Json> drive(Result<FlowStep> first) {
  DriveOptions options;
  options.clock = now_seconds;
  return drive_steps(transport(), std::move(first), platform_machine(muvi_step), options);
}

Result<Json> run_register(const Args& args) {
  SSOKIT_TRY(MuviUserRequest r, user_request(args));
  return drive(muvi_register_user(r));
}

Result<Json> run_user_uuid(const Args& args) {
  SSOKIT_TRY(MuviUserRequest r, user_request(args));
  return drive(muvi_get_user_uuid(r));
}

Result<Json> run_ensure_user(const Args& args) {
  SSOKIT_TRY(MuviUserRequest r, user_request(args));
  return drive(muvi_ensure_user(r));
}

Result<Json> run_login_url(const Args& args) {
  MuviLoginOptions o;
  o.store = *args.get("store");
  o.email = *args.get("email");
  o.user_uuid = *args.get("user-uuid");
  o.name = args.get_or("name", "");
  o.referrer_url = args.get_or("referrer-url", "");
  if (auto ttl = args.get("ttl")) {
    SSOKIT_TRY(o.ttl, parse_seconds("ttl", *ttl));
  }
  o.array_payload = args.flag("array-payload");
  if (auto v = args.get("issuer-claim")) o.issuer_claim = *v;
  if (auto v = args.get("audience-claim")) o.audience_claim = *v;
  SSOKIT_TRY(o.jwt_secret, from_env(kJwtSecretEnv, "the JWT secret shared with the Muvi store (at least 32 bytes)"));
  SSOKIT_TRY(MuviLoginUrl link, muvi_login_url(o, now_seconds()));
  return Json{{"url", link.url}, {"expires_at", link.expires_at}};
}

}  // namespace

std::vector<Command> muvi_commands() {
  return {
      {"muvi register", "--store URL --email E [--name N]",
       "Registers a viewer on the Muvi store (POST /en/rest/RegisterUser) and prints {user_uuid, email, name}. "
       "The store's auth token comes from SSOKIT_MUVI_AUTH_TOKEN. Muvi's error codes come back as platform_error "
       "with details.platform_code (422: the e-mail is already registered; see muvi ensure-user).",
       {{"store", true, true}, {"email", true, true}, {"name"}}, 0, 0, run_register},
      {"muvi user-uuid", "--store URL --email E",
       "Looks a viewer up on the Muvi store (POST /en/rest/GetUserUuid) and prints {user_uuid}. The store's auth "
       "token comes from SSOKIT_MUVI_AUTH_TOKEN. 682: no such user.",
       {{"store", true, true}, {"email", true, true}}, 0, 0, run_user_uuid},
      {"muvi ensure-user", "--store URL --email E [--name N]",
       "Registers the viewer, or when the e-mail is already registered (422) looks it up, and prints {user_uuid, "
       "created}. The store's auth token comes from SSOKIT_MUVI_AUTH_TOKEN.",
       {{"store", true, true}, {"email", true, true}, {"name"}}, 0, 0, run_ensure_user},
      {"muvi login-url",
       "--store URL --email E --user-uuid U [--name N] [--referrer-url URL] [--ttl S] [--array-payload] "
       "[--issuer-claim S] [--audience-claim S]",
       "Prints {url, expires_at}: the store's auto-login link (/en/user/Thirdpartylogin?access_token=<JWT>), an HS256 "
       "JWT signed with the secret shared with the store, from SSOKIT_MUVI_JWT_SECRET (at least 32 bytes). "
       "--referrer-url: a page of the store (or a path on it) to land on; --ttl: seconds the link is valid (default "
       "60, at most 300); --array-payload: the seed example's array payload (issuer/audience claims for it).",
       {{"store", true, true},
        {"email", true, true},
        {"user-uuid", true, true},
        {"name"},
        {"referrer-url"},
        {"ttl"},
        {"array-payload", false},
        {"issuer-claim"},
        {"audience-claim"}},
       0, 0, run_login_url},
  };
}

}  // namespace ssokit::cli
