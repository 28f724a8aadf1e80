// Muvi One (Classic) single sign-on by JWT (seed 002; docs/platforms/muvi.md).
//
// The portal's server creates (or finds) the viewer on the Muvi store with the store's auth token,
// then sends the browser to the store's auto-login link carrying an HS256 JWT signed with the
// secret shared with the store:
//   POST https://<store>/en/rest/RegisterUser   authToken, email, name  -> user_uuid
//   POST https://<store>/en/rest/GetUserUuid    authToken, email        -> user_uuid
//   GET  https://<store>/en/user/Thirdpartylogin?access_token=<JWT>
// Both REST answers carry a numeric `code` (200 = success); their status words differ ("Failed",
// "Failure"), so only the code is looked at. Every call here needs the auth token or the JWT
// secret: server side only (the browser build of the JSON interface answers server_only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/session.hpp"

namespace ssokit {

// The store's base URL: https://<MUVI_STORE_DOMAIN>, optionally with a trailing "/", no path,
// query, fragment or user-info. Plain http only for loopback hosts (simulators). Returns the
// origin ("https://store.example.com"); invalid_url otherwise.
Result<std::string> muvi_store_origin(std::string_view store_url);

// What the two REST calls need.
struct MuviUserRequest {
  std::string store;       // the store's base URL (muvi_store_origin)
  std::string auth_token;  // the store's authToken (Muvi admin: Settings > Advanced). A secret.
  std::string email;       // required
  std::string name;        // RegisterUser only; optional (not starred in the seed): sent when not empty
};

struct MuviUser {
  std::string user_uuid;
  std::string email;  // as the store echoes it (ours when it does not)
  std::string name;
};

// The requests: POST, form body (application/x-www-form-urlencoded). The seed's example puts the
// parameters in RegisterUser's query string; we keep the auth token out of URLs (logs) and send
// every parameter in the body. invalid_argument / invalid_url for a missing or malformed input.
Result<HttpRequest> muvi_register_user_request(const MuviUserRequest& request);
Result<HttpRequest> muvi_get_user_uuid_request(const MuviUserRequest& request);

// The answers, by the numeric `code` only. 200 -> the user (user_uuid required). A documented
// code -> platform_error with details {platform_code, msg} and a message saying what to do
// (RegisterUser: 407, 408, 417, 421, 422; GetUserUuid: 682, 757, 408). Another code ->
// platform_error too (undocumented). Not a JSON object with an integer code, or 200 without a
// usable user_uuid -> invalid_response (http_error when the HTTP status also says failure).
Result<MuviUser> muvi_process_register_user(const HttpResponse& response);
Result<MuviUser> muvi_process_get_user_uuid(const HttpResponse& response);

// Step machines (FlowStep; drive with drive_steps and platform_machine(muvi_step)). Results:
//   muvi_register_user  -> {"user_uuid", "email", "name"}
//   muvi_get_user_uuid  -> {"user_uuid"}
//   muvi_ensure_user    -> {"user_uuid", "created"}: RegisterUser; on 422 (e-mail already
//                          registered) GetUserUuid for the same e-mail.
// The state carries the auth token (the next request needs it): keep it on the server.
Result<FlowStep> muvi_register_user(const MuviUserRequest& request);
Result<FlowStep> muvi_get_user_uuid(const MuviUserRequest& request);
Result<FlowStep> muvi_ensure_user(const MuviUserRequest& request);
Result<FlowStep> muvi_step(const Json& state, const HttpResponse& response, std::int64_t now);

// RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
inline constexpr std::size_t kMuviMinSecretBytes = 32;
inline constexpr std::int64_t kMuviDefaultTtl = 60;  // seconds the auto-login link is valid
inline constexpr std::int64_t kMuviMaxTtl = 300;

struct MuviLoginOptions {
  std::string store;       // the store's base URL
  std::string jwt_secret;  // shared with the store; at least 32 bytes. A secret.
  std::string user_uuid;   // from RegisterUser / GetUserUuid
  std::string email;
  std::string name;        // may be empty (sent as "")
  // Where the store sends the viewer after signing in: an absolute URL on the store's own origin
  // or a path on it ("/en/..."); empty: the store's home page (seed). Else invalid_return_url.
  std::string referrer_url;
  std::int64_t ttl = kMuviDefaultTtl;  // 1..kMuviMaxTtl
  // false: the seed's documented payload, an object {user_uuid, email, name, referrer_url, iat,
  // exp}. true: the shape of the seed's example token (not confirmed beyond it):
  // [{"issuer_claim", "audience_claim", "issuedat_claim", "expire_claim", "data": [{user_uuid,
  // email, name, referrer_url}]}].
  bool array_payload = false;
  std::string issuer_claim = "ssokit";     // array form only
  std::string audience_claim = "enduser";  // array form only (the seed's example value)
  // More members for the payload object (array form: for its first element). May not replace
  // the members above. At most 4 KiB serialized.
  Json extra_claims = Json::object();
};

struct MuviLoginUrl {
  std::string url;  // https://<store>/en/user/Thirdpartylogin?access_token=<JWT>
  std::int64_t expires_at = 0;
};

// The signed auto-login link. invalid_argument (short secret, bad ttl, missing field, reserved
// extra claim), invalid_url (store), invalid_return_url (referrer_url off the store's origin).
Result<MuviLoginUrl> muvi_login_url(const MuviLoginOptions& options, std::int64_t now);

// Compact JWS, HS256, over exactly these header and payload octets:
// BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(HMAC-SHA256(key, signing input)).
std::string muvi_sign_hs256(std::string_view header, std::string_view payload, std::string_view key);

}  // namespace ssokit
