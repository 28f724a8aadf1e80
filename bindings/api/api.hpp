// The JSON call interface: one entry point, `call(method, params)`, over the whole core.
// WebAssembly exports it as ssokit_call (bindings/wasm); the shared test cases in tests/cases
// run through it natively and in Node, so both builds are held to identical answers.
// Binary values travel as hex strings; text as UTF-8 strings.
#pragma once

#include <string>
#include <string_view>

#include "ssokit/json.hpp"
#include "ssokit/session.hpp"

namespace ssokit::api {

// Runs `method` with `params` (a JSON object). Unknown methods: invalid_argument.
Result<Json> call(std::string_view method, const Json& params);

// Text form for the WebAssembly boundary: {"ok": value} or {"error": {code, message, details}}.
std::string call_text(std::string_view method, std::string_view params_json);

// Step machines across the boundary (the C API's ssokit_run drives them): a step JSON
// {state, request?, result?, wait_seconds?} as a FlowStep, and a response as the JSON that
// "<x>.step" methods take under "response".
Result<FlowStep> step_from_json(const Json& step);
Json response_to_json(const HttpResponse& response);

}  // namespace ssokit::api
