// StreamOne API v3 (docs/platforms/streamone.md): signed requests, the response envelope, and the
// single sign-on calls (session/createwithsso, user/linkssotoken, user/clearssotoken, user/create)
// with on-demand provisioning as a step machine. Every call is signed with the application's
// pre-shared key, so all of it belongs on the portal's server, never in a browser page.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/session.hpp"

namespace ssokit::streamone {

// Who signs: an application (the usual case for a portal) or a user, with its pre-shared key.
enum class ActorType { application, user };

struct Credentials {
  std::string server;  // e.g. https://api.streamone.nl (a path prefix is allowed, no query)
  ActorType actor = ActorType::application;
  std::string actor_id;  // the application's (or user's) ID
  std::string key;       // its pre-shared key: a secret, never logged
  // Default parameters sent with every call; account and customer are mutually exclusive.
  std::optional<std::string> account;
  std::optional<std::string> customer;
  std::optional<std::string> timezone;
};

// A session started with session/create or session/createwithsso: requests made within it add
// session=<id> and are signed with key = application key + session key.
struct SessionAuth {
  std::string id;
  std::string key;  // secret
};

// One API call: POST {server}/api/{command}/{action}, arguments in the form body.
struct Call {
  std::string command;
  std::string action;
  Params arguments;  // in the order sent; use join_list for array values
  std::optional<SessionAuth> session;
};

struct SignedRequest {
  HttpRequest request;
  // path + "?" + query without signature + "&" + body, exactly what was signed. It holds the
  // arguments (e.g. an SSO response): for tests, never for logs.
  std::string signed_string;
  std::int64_t timestamp = 0;
};

// Builds and signs a call. `now` (unix seconds) becomes the timestamp parameter.
// invalid_argument: empty IDs or key, both account and customer, a session with a user actor,
// a command/action that is not [A-Za-z0-9_-]+; invalid_url: a server that is not http(s).
Result<SignedRequest> build_request(const Credentials& credentials, const Call& call, std::int64_t now);

// Array arguments are sent comma-joined.
std::string join_list(const std::vector<std::string>& values);

// Arguments from a JSON object, in name order (JSON objects are unordered): strings as they are,
// numbers as JSON writes them, true "1", false "0", null "" (as the API's PHP SDK sends them),
// arrays of those comma-joined.
// invalid_argument for nested objects or nested arrays.
Result<Params> arguments_from_json(const Json& arguments);

// The API's name for a status code ("SSO_TOKEN_UNKNOWN"); "UNKNOWN_STATUS" for codes the seed does
// not document.
const char* status_name(int status);

enum : int {
  kStatusOk = 0,
  kStatusTimestampOutOfRange = 2,
  kStatusAuthenticationFailed = 3,
  kStatusUserAlreadyHasSsoToken = 431,
  kStatusUserHasNoSsoToken = 432,
  kStatusSsoTokenUnknown = 434,
};

struct Envelope {
  int status = 0;
  std::string statusmessage;
  Json header = Json::object();
  Json body = nullptr;
};

// Reads {"header":{"status","statusmessage",...},"body":...} and succeeds only for status 0.
// Errors: invalid_response (not JSON, no header, wrong types; http_error instead when the HTTP
// status is not 2xx and there is no envelope); sso_token_unknown for 434; platform_error for every
// other status, details {platform_code, platform_status, statusmessage}. For 2 (timestamp out of
// range) the message says the clock is off, by how much when the server's time is known (header
// "timestamp" or the HTTP Date header) compared with `sent_timestamp`.
Result<Envelope> parse_envelope(const HttpResponse& response, std::optional<std::int64_t> sent_timestamp = {});

// An HTTP Date header (IMF-fixdate, RFC 9110 5.6.7, e.g. "Sun, 06 Nov 1994 08:49:37 GMT") as unix
// seconds; nullopt for anything else. The server's clock when an answer says ours is off.
std::optional<std::int64_t> parse_http_date(std::string_view text);

// The body of session/create and session/createwithsso: {id, key, user, timeout}.
struct SessionInfo {
  std::string id;
  std::string key;  // secret
  Json user = nullptr;  // the user's ID as the API gives it
  std::optional<std::int64_t> timeout;
  Json to_json() const;
};
Result<SessionInfo> parse_session(const Json& body);

// ---- The single sign-on operations, as step machines driven by streamone_step. ----
// Each returns the first request; the step state carries the credentials (including the key and
// the SSO response) and so must stay on the server, like the key itself.

// session/createwithsso(service, response) -> result {session: SessionInfo JSON}.
Result<FlowStep> create_with_sso(const Credentials& credentials, const std::string& service,
                                 const std::string& response, std::int64_t now);

// user/linkssotoken(user, service, response) -> result {user, service, linked: true, replaced}.
// 431 (the user already has a token for the service) is a platform_error, unless replace_token:
// then user/clearssotoken and one more link.
Result<FlowStep> link_token(const Credentials& credentials, const std::string& user, const std::string& service,
                            const std::string& response, bool replace_token, std::int64_t now);

// user/clearssotoken(user, service) -> result {user, service, cleared: true}.
Result<FlowStep> clear_token(const Credentials& credentials, const std::string& user, const std::string& service,
                             std::int64_t now);

// user/create: the seed does not give its parameters, so `arguments` (a JSON object of strings,
// numbers, booleans or arrays of those) is sent as given; roles, when any, are added as the
// argument `roles` (comma-joined). Result {user: the body, user_id}.
Result<FlowStep> create_user(const Credentials& credentials, const Json& arguments,
                             const std::vector<std::string>& roles, std::int64_t now);

struct LoginOptions {
  std::string service;
  std::string response;  // the SSO response from the user (secret)
  // Provisioning on demand: when set, an unknown token (434) creates the user with these
  // arguments and `roles`, links the token and retries once. Unset: 434 is sso_token_unknown.
  std::optional<Json> create_user;
  std::vector<std::string> roles;
  bool replace_token = false;  // on 431 while linking: clear the old token and link again
};

// session/createwithsso -> [434 -> user/create -> user/linkssotoken (-> 431 and replace_token:
// user/clearssotoken -> user/linkssotoken) -> session/createwithsso once more] ->
// result {session: {id, key, user, timeout}, provisioned: bool, user_id?}. At most 6 requests.
Result<FlowStep> login(const Credentials& credentials, const LoginOptions& options, std::int64_t now);

}  // namespace ssokit::streamone

namespace ssokit {

// The step function of every streamone operation above.
Result<FlowStep> streamone_step(const Json& state, const HttpResponse& response, std::int64_t now);

}  // namespace ssokit
