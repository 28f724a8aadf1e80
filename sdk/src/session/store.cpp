#include "ssokit/session.hpp"

#include <algorithm>

namespace ssokit {

Result<std::optional<std::string>> MemoryTokenStore::get(std::string_view key) {
  for (const auto& [k, v] : entries_) {
    if (k == key) return std::optional<std::string>(v);
  }
  return std::optional<std::string>();
}

Status MemoryTokenStore::put(std::string_view key, std::string_view value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v = std::string(value);
      return {};
    }
  }
  entries_.emplace_back(std::string(key), std::string(value));
  return {};
}

Status MemoryTokenStore::remove(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      break;
    }
  }
  return {};
}

Json Session::to_json() const {
  Json j = Json::object();
  j.set("v", 1);
  j.set("tokens", tokens.to_json());
  j.set("claims", claims);
  j.set("userinfo", userinfo);
  j.set("profile", profile);
  j.set("return_to", return_to);
  j.set("updated_at", updated_at);
  if (dpop) j["dpop"] = dpop->to_json();
  return j;
}

Result<Session> Session::from_json(const Json& value) {
  auto bad = [] { return make_error(ErrorCode::storage_error, "stored session is malformed; sign in again"); };
  if (!value.is_object() || json_int(value, "v").value_or(0) != 1) return bad();
  const Json* tokens = json_member(value, "tokens");
  if (tokens == nullptr) return bad();
  Session s;
  SSOKIT_TRY(s.tokens, TokenSet::from_json(*tokens));
  for (auto [name, target] : {std::pair<const char*, Json*>{"claims", &s.claims}, {"userinfo", &s.userinfo},
                              {"profile", &s.profile}}) {
    const Json* v = json_member(value, name);
    if (v == nullptr || !v->is_object()) return bad();
    *target = *v;
  }
  s.return_to = json_string(value, "return_to").value_or("/");
  s.updated_at = json_int(value, "updated_at").value_or(0);
  if (const Json* key = json_member(value, "dpop"); key != nullptr && !key->is_null()) {
    auto dpop = DpopKey::from_json(*key);
    if (!dpop.ok()) return bad();
    s.dpop = std::move(dpop).value();
  }
  return s;
}

std::string Session::to_string() const {
  Json j = Json::object();
  j.set("tokens", "[redacted]");
  j.set("sub", json_text(claims, "sub"));
  j.set("expires_at", tokens.expires_at);
  j.set("updated_at", updated_at);
  return "Session" + dump_json(j);
}

bool access_token_fresh(const Session& session, std::int64_t now, std::int64_t leeway) {
  if (session.tokens.access_token.empty()) return false;
  if (session.tokens.expires_at == 0) return true;  // the provider did not say: assume valid
  // A short-lived token: at most half its lifetime early, or every call would refresh it.
  std::int64_t lifetime = session.tokens.expires_in.value_or(0);
  if (lifetime <= 0 && session.updated_at > 0) lifetime = session.tokens.expires_at - session.updated_at;
  if (lifetime > 0) leeway = std::min(leeway, lifetime / 2);
  return now + leeway < session.tokens.expires_at;
}

}  // namespace ssokit
