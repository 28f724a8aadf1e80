// Internal: each concern registers its JSON methods as a table (api_<concern>.cpp).
#pragma once

#include <memory>

#include "ssokit/random.hpp"

#include <string>
#include <string_view>

#include "api.hpp"
#include "ssokit/base64.hpp"
#include "ssokit/id_token.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/session.hpp"

namespace ssokit::api {

using Handler = Result<Json> (*)(const Json&);
struct Method {
  const char* name;
  Handler handler;
};
struct MethodTable {
  const Method* methods;
  std::size_t size;
};

MethodTable jose_methods();    // api_jose.cpp: JWT decode, ID token validation
MethodTable verify_native_methods();  // api_verify_native.cpp: verify.native (fallback page build only)
MethodTable crypto_methods();  // api_crypto.cpp: pkce
MethodTable oauth_methods();   // api_oauth.cpp: discovery, authorize, callback, token, user-info, logout
MethodTable profile_methods(); // api_profile.cpp: profile mapping (claims + user-info -> profile)
MethodTable flow_methods();    // api_flow.cpp: sign-in completion and refresh as step machines
MethodTable device_methods();  // api_device.cpp: device authorization grant (RFC 8628)

// Tool tables: the low-level methods no page module (web/src) calls. In every build but the page
// build (ssokit-core.wasm), where leaving them out saves their code; ssokit-page-tools.wasm (tests
// only, never in the npm package) is the page build with them, so the shared cases, Wycheproof and
// the SHA-2 checks still reach the page core's own code.
MethodTable crypto_tool_methods();   // api_crypto.cpp: random, base64(url), hash, hmac, json.parse, error.codes
MethodTable url_tool_methods();      // api_url.cpp: URLs, percent/form encoding, origins, return URLs
MethodTable jose_tool_methods();     // api_jose.cpp: jws.verify, jws.verify_raw
MethodTable profile_tool_methods();  // api_profile.cpp: profile.presets, profile.preset, profile.validate
MethodTable device_tool_methods();   // api_device.cpp: device.token_request, device.poll
MethodTable policy_methods();  // api_policy.cpp: ending a session (signout.plan)

// Video platforms: <platform>_methods() are safe in a browser page (no secret involved);
// <platform>_server_methods() need the platform's secret and exist only in the server build
// (ssokit_api_server: Node, native, C API). In the browser build a "<platform>.*" method that is
// not in the browser table answers server_only.
MethodTable twentythree_methods();         // api_twentythree.cpp
MethodTable twentythree_server_methods();  // api_twentythree_server.cpp
MethodTable streamone_methods();           // api_streamone.cpp
MethodTable streamone_server_methods();    // api_streamone_server.cpp
MethodTable muvi_methods();                // api_muvi.cpp
MethodTable muvi_server_methods();         // api_muvi_server.cpp
MethodTable org_methods();                 // api_org.cpp
MethodTable org_server_methods();          // api_org_server.cpp

// Parameter helpers: errors are invalid_argument naming the parameter.
Error bad_param(std::string_view name, std::string_view what);
Result<std::string> need_string(const Json& p, std::string_view name);
std::string opt_string(const Json& p, std::string_view name, std::string fallback = {});
Result<Bytes> need_hex(const Json& p, std::string_view name);
// The call's random source: the host's bytes {"random": hex} (pages always pass them, tests pass
// fixed ones), else the system generator (none in the page build: the call then fails).
Result<std::unique_ptr<RandomSource>> call_random(const Json& p);

// Boundary formats shared by the methods (api_oauth.cpp).
Json request_to_json(const HttpRequest& request);
// {method?, url, headers?, body?, idempotent?, sign?}; `name` names the parameter in errors.
Result<HttpRequest> request_from_json(const Json& value, std::string_view name);
Result<HttpResponse> response_from_json(const Json& params);  // params.response
Result<Params> params_from_json(const Json& value, std::string_view name);
// The sign effect entries of a request ("sign": [{alg, key, input, header?, form_field?}]).
Result<std::vector<SignRequest>> sign_from_json(const Json* value);
Result<std::int64_t> need_now(const Json& params);
Result<ProviderMetadata> provider_from_json(const Json& params);  // params.provider
Result<ClientConfig> client_from_json(const Json& params);        // params.client
Result<Transaction> transaction_from_json(const Json& params);    // params.transaction
// Step machines (api_flow.cpp): params.options -> SignInOptions; a FlowStep as {state, request?,
// result?, wait_seconds?}.
Result<SignInOptions> signin_options(const Json& params);
Json step_to_json(const FlowStep& step);
// The continuations of jws.verify / jws.verify_raw and id_token.validate (api_jose.cpp), which
// flow.step calls with the host's answer to their verify effect: a step with the method's result.
FlowStep jws_verified(const Json& state, bool verified);
Result<FlowStep> id_token_verified(const Json& state, bool verified);
// params.expect {issuer, client_id, now, nonce?, max_age?, clock_skew?, client_secret?,
// allowed_algs?, trusted_audiences?} (api_jose.cpp).
Result<IdTokenExpectations> expectations_from_json(const Json& params);
// The continuation of userinfo.process for a signed answer (api_oauth.cpp).
Result<FlowStep> userinfo_verified(const Json& state, bool verified);
// A "<x>.step" method: {state, response, now} -> the next step of `step_fn`'s machine.
Result<Json> step_method(const Json& params, const StepFunction& step_fn);

}  // namespace ssokit::api
