// Organization API answers: the envelope reader (org::parse_reply), Retry-After, and every
// operation's step machine (sign-in routing and administration, with the lock-out guard and 429
// retries), fed up to 8 answers (fuzz_responses); the first byte picks the operation.
// Invariants: a 2xx envelope with code OK is accepted; an error envelope is platform_error or
// rate_limited with the platform's code in details; a rate-limited step waits at most
// kMaxWaitSeconds; the API key and the IdP client secret never come back in an error; a routing
// result's login URL is built from the configured base.
#include "fuzz_common.hpp"
#include "ssokit/platforms/org.hpp"

using namespace ssokit;

namespace {

constexpr const char* kApiKey = "ba_fuzz_ApiKey0123456789";
constexpr const char* kClientSecret = "fuzz-idp-client-secret";
constexpr const char* kBase = "https://api.example.com";

Result<FlowStep> start(std::uint8_t selector) {
  org::Admin admin;
  admin.connection.base = kBase;
  admin.organization_id = "01HZ3K5R4X9Y2V6QF8TJ7W0CDN";
  admin.api_key = kApiKey;
  admin.bearer = (selector & 0x80) != 0;
  switch (selector % 8) {
    case 0: {
      org::Connection connection;
      connection.base = kBase;
      return org::login_route(connection, "viewer@acme.example");
    }
    case 1: {
      org::SsoSettings settings;
      settings.provider = "okta";
      settings.issuer_url = "https://your-org.okta.com";
      settings.client_id = "client-1";
      settings.client_secret = kClientSecret;
      return org::sso_set(admin, settings);
    }
    case 2: return org::sso_delete(admin, true);
    case 3: return org::sso_test(admin);
    case 4: return org::domain_add(admin, "acme.example");
    case 5: return org::domain_verify(admin, "D1");
    default: {
      org::SecuritySettings settings;
      settings.auth_required = (selector & 0x10) ? org::AuthRequired::sso : org::AuthRequired::mfa;
      settings.require_mfa = (selector & 0x20) != 0;
      settings.force = (selector & 0x40) != 0;
      return org::set_security(admin, settings);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto responses = fuzz_responses(fuzz_input(data + 1, size - 1));
  if (responses.empty()) return 0;

  auto reply = org::parse_reply(responses.front());
  if (!reply.ok() && (reply.error().code == ErrorCode::platform_error || reply.error().code == ErrorCode::rate_limited)) {
    FUZZ_CHECK(reply.error().details.is_object());
  }
  if (auto wait = org::retry_after_seconds(responses.front(), 1700000000)) FUZZ_CHECK(*wait >= 0);

  Result<FlowStep> step = start(data[0]);
  FUZZ_CHECK(step.ok());
  for (const auto& response : responses) {
    if (!step.ok() || step->result) break;
    FUZZ_CHECK(step->request.has_value());
    FUZZ_CHECK(step->wait_seconds >= 0 && step->wait_seconds <= org::kMaxWaitSeconds);
    step = org_step(step->state, response, 1700000000);
  }
  if (!step.ok()) {
    FUZZ_CHECK(!fuzz_error_mentions(step.error(), kApiKey));
    // Only sso_set holds the IdP client secret (fuzz_org-secret-in-error.bin: another operation
    // "echoing" it is no leak, the step never had it).
    if (data[0] % 8 == 1) FUZZ_CHECK(!fuzz_error_mentions(step.error(), kClientSecret));
  } else if (step->result && data[0] % 8 == 0) {
    const std::string url = json_string(*step->result, "login_url").value_or("");
    FUZZ_CHECK(url.empty() || url.rfind(std::string(kBase) + "/api/auth/sso/", 0) == 0);
  }
  return 0;
}
