// Muvi auto-login link (seed 002, "Auto Login" and "JWT Token Generation"): an HS256 JWT signed
// with the secret shared with the store, in /en/user/Thirdpartylogin?access_token=<JWT>.
#include <array>

#include "muvi_internal.hpp"
#include "ssokit/crypto.hpp"
#include "ssokit/platforms/muvi.hpp"

namespace ssokit {
namespace {

constexpr const char* kLoginPath = "/en/user/Thirdpartylogin";
// Member order as in the seed's example token's header.
constexpr const char* kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::size_t kMaxReferrer = 2048;
constexpr std::size_t kMaxExtraClaims = 4096;
// Unix seconds up to about year 36812: keeps now + ttl far from overflow.
constexpr std::int64_t kMaxNow = std::int64_t{1} << 40;

constexpr std::array<const char*, 6> kObjectMembers = {"user_uuid", "email", "name", "referrer_url", "iat", "exp"};
constexpr std::array<const char*, 5> kArrayMembers = {"issuer_claim", "audience_claim", "issuedat_claim",
                                                      "expire_claim", "data"};

Error referrer_error(const char* reason, const std::string& message) {
  return make_error(ErrorCode::invalid_return_url, "referrer_url " + message, json_object("reason", reason));
}

// A path on the store, by the one return-path rule (validate_return_url): no "//", "\\", dot
// segments or control characters, also percent-encoded.
Result<std::string> store_path(const std::string& origin, std::string_view path) {
  auto checked = validate_return_url(path);
  if (!checked.ok()) {
    Error e = checked.take_error();
    e.message = "referrer_url is not a safe path on the store: " + e.message;
    return e;
  }
  return origin + checked.value();
}

// The store redirects the viewer to referrer_url after signing in: only its own pages. A path and
// an absolute URL on the store's origin pass the same path rule (https://store.example//evil.com
// would otherwise slip past what "//evil.com" is refused for).
Result<std::string> referrer_for(const std::string& origin, std::string_view referrer) {
  if (referrer.empty()) return std::string();  // the store's home page (seed)
  if (referrer.size() > kMaxReferrer) return referrer_error("too_long", "is longer than 2048 bytes");
  if (referrer.front() == '/') return store_path(origin, referrer);
  auto url = parse_url(referrer);
  if (!url.ok()) return referrer_error("malformed", "is not a URL: give a page of the store (https://<store>/...) or a path");
  SSOKIT_TRY(Url store, parse_url(origin));
  if (!same_origin(url.value(), store) || url->userinfo) {
    return referrer_error("other_origin", "must be a page of the store itself (" + origin +
                                              "): the store sends the viewer there after signing in");
  }
  std::string path = url->path.empty() ? "/" : url->path;
  if (url->query) path += "?" + *url->query;
  if (url->fragment) path += "#" + *url->fragment;
  return store_path(origin, path);
}

Status check_options(const MuviLoginOptions& o, std::int64_t now) {
  if (o.jwt_secret.size() < kMuviMinSecretBytes) {
    return make_error(ErrorCode::invalid_argument,
                      "the Muvi JWT secret must be at least 32 bytes (RFC 7518 3.2: an HS256 key has at least 256 "
                      "bits): agree a longer random secret with the store");
  }
  if (o.ttl < 1 || o.ttl > kMuviMaxTtl) {
    return make_error(ErrorCode::invalid_argument, "ttl must be 1 to 300 seconds (the link is for an immediate redirect)");
  }
  if (now < 0 || now > kMaxNow) return make_error(ErrorCode::invalid_argument, "now must be the current unix time in seconds");
  if (!muvi_detail::valid_user_uuid(o.user_uuid)) {
    return make_error(ErrorCode::invalid_argument,
                      "user_uuid is required (1 to 128 visible characters): get it from RegisterUser or GetUserUuid");
  }
  SSOKIT_CHECK(muvi_detail::check_email(o.email));
  SSOKIT_CHECK(muvi_detail::check_name(o.name));
  for (const std::string* claim : {&o.issuer_claim, &o.audience_claim}) {
    if (claim->size() > 256) return make_error(ErrorCode::invalid_argument, "issuer_claim and audience_claim are at most 256 bytes");
  }
  return {};
}

template <std::size_t N>
Status merge_extra(Json& into, const Json& extra, const std::array<const char*, N>& reserved) {
  if (extra.is_null()) return {};
  if (!extra.is_object()) return make_error(ErrorCode::invalid_argument, "extra_claims must be a JSON object");
  if (dump_json(extra).size() > kMaxExtraClaims) {
    return make_error(ErrorCode::invalid_argument, "extra_claims is larger than 4 KiB");
  }
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    for (const char* name : reserved) {
      if (it.key() == name) {
        return make_error(ErrorCode::invalid_argument,
                          "extra_claims may not replace \"" + std::string(name) + "\" (set by the connector)");
      }
    }
    into[it.key()] = it.value();
  }
  return {};
}

}  // namespace

std::string muvi_sign_hs256(std::string_view header, std::string_view payload, std::string_view key) {
  std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  const Bytes tag = hmac_sha256(key, input);
  return input + "." + base64url_encode(tag);
}

Result<MuviLoginUrl> muvi_login_url(const MuviLoginOptions& o, std::int64_t now) {
  SSOKIT_TRY(std::string origin, muvi_store_origin(o.store));
  SSOKIT_CHECK(check_options(o, now));
  SSOKIT_TRY(std::string referrer, referrer_for(origin, o.referrer_url));

  const std::int64_t exp = now + o.ttl;
  Json user = Json::object();
  user.set("user_uuid", o.user_uuid);
  user.set("email", o.email);
  user.set("name", o.name);
  user.set("referrer_url", referrer);
  Json payload;
  if (o.array_payload) {
    Json claims = Json::object();
    claims.set("issuer_claim", o.issuer_claim);
    claims.set("audience_claim", o.audience_claim);
    claims.set("issuedat_claim", now);
    claims.set("expire_claim", exp);
    claims.set("data", Json::array({user}));
    SSOKIT_CHECK(merge_extra(claims, o.extra_claims, kArrayMembers));
    payload = Json::array({claims});
  } else {
    payload = user;
    payload["iat"] = now;
    payload["exp"] = exp;
    SSOKIT_CHECK(merge_extra(payload, o.extra_claims, kObjectMembers));
  }

  MuviLoginUrl out;
  // base64url and '.' are URL-safe: the JWT goes into the query as it is.
  out.url = origin + kLoginPath + "?access_token=" + muvi_sign_hs256(kHeader, dump_json(payload), o.jwt_secret);
  out.expires_at = exp;
  return out;
}

}  // namespace ssokit
