// The device authorization grant (RFC 8628): the device authorization response, the token
// endpoint's answers to polls, and the device flow's step machine (polls, then the sign-in's JWKS
// and user-info steps) fed up to 8 answers (fuzz_responses). Invariants: an accepted authorization
// has a device code, a positive interval and a future expiry, survives to_json/from_json, and its
// to_string never shows the device code; an authorized poll has an access token; each poll step
// waits at least a second; the device code and the client secret never come back in an error.
#include "fuzz_common.hpp"
#include "ssokit/device.hpp"

using namespace ssokit;

namespace {

constexpr std::int64_t kNow = 1700000000;
constexpr const char* kSecret = "fuzz-device-client-secret";
constexpr const char* kDeviceCode = "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS";

// From a document, as discovery makes it (the flow state keeps the document).
ProviderMetadata provider() {
  auto p = ProviderMetadata::from_json({{"issuer", "https://idp.example.com"},
                                        {"authorization_endpoint", "https://idp.example.com/auth"},
                                        {"token_endpoint", "https://idp.example.com/token"},
                                        {"device_authorization_endpoint", "https://idp.example.com/device/auth"},
                                        {"jwks_uri", "https://idp.example.com/jwks"},
                                        {"userinfo_endpoint", "https://idp.example.com/me"}});
  FUZZ_CHECK(p.ok());
  return std::move(p).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto responses = fuzz_responses(fuzz_input(data + 1, size - 1));
  if (responses.empty()) return 0;

  auto device = process_device_authorization_response(responses.front(), kNow);
  if (device.ok()) {
    FUZZ_CHECK(!device->device_code.empty() && !device->user_code.empty());
    FUZZ_CHECK(device->interval > 0 && device->expires_at > kNow);
    auto again = DeviceAuthorization::from_json(device->to_json());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->device_code == device->device_code && again->expires_at == device->expires_at &&
               again->interval == device->interval && again->display_uri() == device->display_uri());
    const std::string shown = device->to_string();
    const std::string others = device->user_code + device->verification_uri + device->verification_uri_complete;
    if (device->device_code.size() >= 8 && others.find(device->device_code) == std::string::npos) {
      FUZZ_CHECK(shown.find(device->device_code) == std::string::npos);
    }
  }
  auto poll = process_device_token_response(responses.front(), kNow);
  if (poll.ok() && poll->status == DevicePollStatus::authorized) FUZZ_CHECK(!poll->tokens.access_token.empty());

  ClientConfig client;
  client.issuer = "https://idp.example.com";
  client.client_id = "tv-app";
  if (data[0] & 1) {
    client.client_secret = kSecret;
    client.auth = (data[0] & 2) ? ClientAuth::client_secret_post : ClientAuth::client_secret_basic;
  }
  client.scope = (data[0] & 4) ? "openid profile" : "profile";
  DeviceAuthorization start;
  start.device_code = kDeviceCode;
  start.user_code = "WDJB-MJHT";
  start.verification_uri = "https://idp.example.com/device";
  start.expires_in = 600;
  start.expires_at = kNow + 600;
  start.interval = 1 + data[0] % 7;
  Result<FlowStep> step = device_flow(client, provider(), start, SignInOptions{}, kNow);
  FUZZ_CHECK(step.ok());
  std::int64_t now = kNow;
  for (const auto& response : responses) {
    if (!step.ok() || step->result) break;
    FUZZ_CHECK(step->request.has_value());
    now += step->wait_seconds;
    step = flow_step(step->state, response, now);
    if (step.ok() && step->request && step->request->url == "https://idp.example.com/token") FUZZ_CHECK(step->wait_seconds >= 1);
  }
  if (!step.ok()) {
    FUZZ_CHECK(!fuzz_error_mentions(step.error(), kDeviceCode));
    // Only a secret the flow was given can be kept out (fuzz_device-secret-in-error.bin: a provider
    // "echoing" a secret the client never had is no leak).
    if (!client.client_secret.empty()) FUZZ_CHECK(!fuzz_error_mentions(step.error(), kSecret));
  }
  return 0;
}
