// The JSON call interface for C (ssokit_call, ssokit_run): every platform connector and low-level
// step by name. In its own file so that a statically linked player that never calls it links
// none of it; a build with SSOKIT_WITH_PLATFORMS=OFF answers unsupported.
#include "c_internal.hpp"
#ifdef SSOKIT_WITH_PLATFORMS
#include "api.hpp"
#include "ssokit/native/drive.hpp"
#include "ssokit/signing.hpp"
#endif

using ssokit::ErrorCode;
using ssokit::Json;
using ssokit::c::fail;
using ssokit::c::give_out;

extern "C" {

ssokit_code ssokit_call(const char* method, const char* params_json, char** result_json_out, ssokit_error* err) {
  if (result_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "result_json_out must not be NULL");
  *result_json_out = nullptr;
  if (method == nullptr || params_json == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "method and params_json must not be NULL");
  }
#ifdef SSOKIT_WITH_PLATFORMS
  auto params = ssokit::parse_json_object(params_json, ErrorCode::invalid_argument);
  if (!params.ok()) return fail(err, params.error());
  auto result = ssokit::api::call(method, params.value());
  if (!result.ok()) return fail(err, result.error());
  return give_out(result_json_out, ssokit::dump_json(result.value()), err);
#else
  return fail(err, ErrorCode::unsupported, "this build of ssokit has no JSON call interface (SSOKIT_WITH_PLATFORMS=OFF)");
#endif
}

ssokit_code ssokit_run(const char* start_method, const char* step_method, const char* params_json,
                       const ssokit_callbacks* callbacks, char** result_json_out, ssokit_error* err) {
  if (result_json_out == nullptr) return fail(err, ErrorCode::invalid_argument, "result_json_out must not be NULL");
  *result_json_out = nullptr;
  if (start_method == nullptr || step_method == nullptr || params_json == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "start_method, step_method and params_json must not be NULL");
  }
  if (callbacks != nullptr && callbacks->size < offsetof(ssokit_callbacks, store_read)) {
    return fail(err, ErrorCode::invalid_argument, "callbacks->size must be sizeof(ssokit_callbacks)");
  }
#ifdef SSOKIT_WITH_PLATFORMS
  auto params = ssokit::parse_json_object(params_json, ErrorCode::invalid_argument);
  if (!params.ok()) return fail(err, params.error());
  std::unique_ptr<ssokit::HttpTransport> transport;
  if (callbacks != nullptr && callbacks->send != nullptr) {
    transport = std::make_unique<ssokit::c::CallbackTransport>(callbacks->send, callbacks->user);
  } else {
    auto builtin = ssokit::c::builtin_transport(nullptr);
    if (!builtin.ok()) return fail(err, builtin.error());
    transport = std::move(builtin).value();
  }
  // No keys here: a step that must be signed fails instead of reaching the transport unsigned.
  ssokit::SigningTransport unsigned_only(*transport, nullptr);
  const std::string next(step_method);
  auto step_of = [](ssokit::Result<Json> r) -> ssokit::Result<ssokit::FlowStep> {
    if (!r.ok()) return r.take_error();
    return ssokit::api::step_from_json(r.value());
  };
  // The native driver: the budget is the state's; waits honour the cancel callback.
  ssokit::StepMachine machine = ssokit::platform_machine(
      [&](const Json& state, const ssokit::HttpResponse& response, std::int64_t now) {
        return step_of(ssokit::api::call(
            next, Json{{"state", state}, {"response", ssokit::api::response_to_json(response)}, {"now", now}}));
      });
  machine.verified = [&](ssokit::FlowStep&& previous, bool verified, std::int64_t now) {
    return step_of(ssokit::api::call(next, Json{{"state", std::move(previous.state)}, {"verified", verified}, {"now", now}}));
  };
  ssokit::DriveOptions options;
  options.clock = ssokit::c::now_seconds;
  if (callbacks != nullptr && callbacks->size >= offsetof(ssokit_callbacks, cancel) + sizeof(ssokit_cancel_fn) &&
      callbacks->cancel != nullptr) {
    options.cancelled = [callbacks] { return callbacks->cancel(callbacks->user) != 0; };
  }
  auto result = ssokit::drive_steps(unsigned_only, step_of(ssokit::api::call(start_method, params.value())), machine, options);
  if (!result.ok()) return fail(err, result.error());
  return give_out(result_json_out, ssokit::dump_json(result.value()), err);
#else
  return fail(err, ErrorCode::unsupported, "this build of ssokit has no JSON call interface (SSOKIT_WITH_PLATFORMS=OFF)");
#endif
}

}  // extern "C"
