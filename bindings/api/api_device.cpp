// JSON methods for the Device Authorization Grant (RFC 8628). JavaScript: device.start ->
// fetch -> device.process -> show the code -> device.flow_start, then wait step.wait_seconds,
// fetch step.request, flow.step, until step.result.
#include "api_internal.hpp"
#include "ssokit/device.hpp"

namespace ssokit::api {
namespace {

Result<Json> m_device_start(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  std::optional<std::string> scope;
  if (const Json* s = json_member(p, "scope"); s != nullptr && !s->is_null()) {
    if (!s->is_string()) return bad_param("scope", "must be a string");
    scope = s->get<std::string>();
  }
  SSOKIT_TRY(HttpRequest r, device_authorization_request(client, provider, scope, json_int(p, "now").value_or(0)));
  return request_to_json(r);
}

Result<Json> m_device_process(const Json& p) {
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(DeviceAuthorization d, process_device_authorization_response(response, now));
  return d.to_json();
}

Result<Json> m_device_token_request(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  SSOKIT_TRY(std::string device_code, need_string(p, "device_code"));
  SSOKIT_TRY(HttpRequest r, device_token_request(client, provider, device_code, json_int(p, "now").value_or(0)));
  return request_to_json(r);
}

Result<Json> m_device_poll(const Json& p) {
  SSOKIT_TRY(HttpResponse response, response_from_json(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(DevicePoll poll, process_device_token_response(response, now));
  switch (poll.status) {
    case DevicePollStatus::authorized: return json_object("status", "authorized", "tokens", poll.tokens.to_json());
    case DevicePollStatus::pending: return json_object("status", "pending");
    case DevicePollStatus::slow_down: return json_object("status", "slow_down");
  }
  return make_error(ErrorCode::internal_error, "unknown poll status");
}

Result<Json> m_device_flow_start(const Json& p) {
  SSOKIT_TRY(ClientConfig client, client_from_json(p));
  SSOKIT_TRY(ProviderMetadata provider, provider_from_json(p));
  const Json* d = json_member(p, "device");
  if (d == nullptr) return bad_param("device", "is required (the result of device.process)");
  SSOKIT_TRY(DeviceAuthorization device, DeviceAuthorization::from_json(*d));
  SSOKIT_TRY(SignInOptions options, signin_options(p));
  SSOKIT_TRY(std::int64_t now, need_now(p));
  SSOKIT_TRY(auto rng, call_random(p));  // the DPoP proofs' jti
  SSOKIT_TRY(FlowStep step, device_flow(client, provider, device, options, now, *rng));
  return step_to_json(step);
}

// {failure: code, backoff, interval, now, expires_at} -> {"wait": seconds} or {"wait": null}
// (give up): device_retry_wait, for a driver whose poll failed on the network.
Result<Json> m_device_retry(const Json& p) {
  SSOKIT_TRY(std::string failure, need_string(p, "failure"));
  ErrorCode code = ErrorCode::internal_error;
  if (!error_code_from_name(failure, &code)) return bad_param("failure", "must be an error code");
  SSOKIT_TRY(std::int64_t now, need_now(p));
  auto wait = device_retry_wait(code, json_int(p, "backoff").value_or(0), json_int(p, "interval").value_or(0), now,
                                json_int(p, "expires_at").value_or(0));
  Json out = Json::object();
  out.set("wait", wait ? Json(*wait) : Json(nullptr));
  return out;
}

constexpr Method kDeviceMethods[] = {
    {"device.retry", m_device_retry},
    {"device.start", m_device_start},
    {"device.process", m_device_process},
    {"device.flow_start", m_device_flow_start},
};

// The single polling steps: the JS driver runs device.flow_start through flow.step instead.
constexpr Method kDeviceToolMethods[] = {
    {"device.token_request", m_device_token_request},
    {"device.poll", m_device_poll},
};

}  // namespace

MethodTable device_methods() { return {kDeviceMethods, sizeof kDeviceMethods / sizeof kDeviceMethods[0]}; }
MethodTable device_tool_methods() {
  return {kDeviceToolMethods, sizeof kDeviceToolMethods / sizeof kDeviceToolMethods[0]};
}

}  // namespace ssokit::api
