// `ssokit status --store FILE`: whether the store holds a session, whose, and until when. Reads
// the store only (no network); prints no token, only whether a refresh token is there.
#include "cli.hpp"

namespace ssokit::cli {
namespace {

// The first non-empty string among `names` in `doc`.
std::string first_string(const Json& doc, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto v = json_string_at(doc, n); v && !v->empty()) return *v;
  }
  return "";
}

Result<Json> run_status(const Args& args) {
  SSOKIT_TRY(std::optional<Session> session, load_session(*args.get("store")));
  if (!session) return Json{{"signed_in", false}};
  const Session& s = *session;
  std::string name = first_string(s.claims, {"name"});
  if (name.empty()) name = first_string(s.userinfo, {"name"});
  if (name.empty()) {
    const std::string first = first_string(s.profile, {"firstName"});
    const std::string last = first_string(s.profile, {"lastName"});
    name = first.empty() || last.empty() ? first + last : first + " " + last;
  }
  Json out{{"signed_in", true},
           {"subject", first_string(s.claims, {"sub"})},
           {"issuer", first_string(s.claims, {"iss"})},
           {"refreshable", !s.tokens.refresh_token.empty()}};
  out["name"] = name.empty() ? Json(nullptr) : Json(name);
  const std::string email = first_string(s.profile, {"email"});
  out["email"] = email.empty() ? Json(nullptr) : Json(email);
  if (s.tokens.expires_at > 0) {
    out["expires_at"] = s.tokens.expires_at;
    out["expired"] = s.tokens.expires_at <= now_seconds();
  } else {
    out["expires_at"] = nullptr;
    out["expired"] = nullptr;
  }
  return out;
}

}  // namespace

std::vector<Command> status_commands() {
  return {
      {"status", "--store FILE",
       "Prints whether --store holds a session, without the network and without any token: "
       "{\"signed_in\":false}, or {\"signed_in\":true, \"subject\", \"issuer\", \"name\", \"email\", \"expires_at\" "
       "(the access token's expiry, unix seconds, null when the provider gave none), \"expired\", \"refreshable\" "
       "(a refresh token is stored)}. SSOKIT_STORE_KEY / SSOKIT_STORE_KEY_FILE: the store is encrypted (see "
       "login); a wrong key is storage_tampered.",
       {{"store", true, true}}, 0, 0, run_status},
  };
}

}  // namespace ssokit::cli
