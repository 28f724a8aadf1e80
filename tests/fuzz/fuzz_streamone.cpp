// StreamOne API v3 answers: the envelope reader (parse_envelope), the session body
// (parse_session), and the single sign-on step machine (login with provisioning, the first byte
// picks the operation) fed up to 8 answers (fuzz_responses). Invariants: an accepted envelope has
// status 0; a status error keeps the platform's code in details; a finished login carries a
// session; the application key and the SSO response never come back in an error.
#include "fuzz_common.hpp"
#include "ssokit/platforms/streamone.hpp"

using namespace ssokit;

namespace {

constexpr const char* kKey = "fuzz-application-psk-0042";
constexpr const char* kResponse = "sso1.eyJzZXJ2aWNlIjoiaWRwIiwidG9rZW4iOiJmdXp6LXRva2VuIn0";

void check_error(const Error& e) {
  FUZZ_CHECK(!fuzz_error_mentions(e, kKey));
  FUZZ_CHECK(!fuzz_error_mentions(e, kResponse));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto responses = fuzz_responses(fuzz_input(data + 1, size - 1));
  if (responses.empty()) return 0;

  auto envelope = streamone::parse_envelope(responses.front(), 1700000000);
  if (envelope.ok()) {
    FUZZ_CHECK(envelope->status == 0);
    auto session = streamone::parse_session(envelope->body);
    if (session.ok()) FUZZ_CHECK(!session->id.empty() && !session->key.empty());
  } else if (envelope.error().code == ErrorCode::platform_error || envelope.error().code == ErrorCode::sso_token_unknown) {
    FUZZ_CHECK(json_int(envelope.error().details, "platform_code").has_value());
  }

  streamone::Credentials credentials;
  credentials.server = "https://api.example.com";
  credentials.actor_id = "portal";
  credentials.key = kKey;
  if (data[0] & 1) credentials.account = "acct-1";
  Result<FlowStep> first = make_error(ErrorCode::internal_error, "unset");
  switch (data[0] % 5) {
    case 0: case 1: {
      streamone::LoginOptions options;
      options.service = "idp";
      options.response = kResponse;
      if (data[0] & 2) options.create_user = Json{{"username", "viewer"}, {"email", "viewer@example.com"}};
      // Roles are for provisioning only (login rejects them without create_user).
      if ((data[0] & 6) == 6) options.roles = {"viewer", "subscriber"};
      options.replace_token = (data[0] & 8) != 0;
      first = streamone::login(credentials, options, 1700000000);
      break;
    }
    case 2: first = streamone::link_token(credentials, "U1", "idp", kResponse, (data[0] & 8) != 0, 1700000000); break;
    case 3: first = streamone::clear_token(credentials, "U1", "idp", 1700000000); break;
    default: first = streamone::create_with_sso(credentials, "idp", kResponse, 1700000000); break;
  }
  FUZZ_CHECK(first.ok());
  auto outcome = fuzz_drive(std::move(first), streamone_step, responses, 1700000000);
  if (!outcome.ok()) {
    check_error(outcome.error());
  } else if (outcome->is_object() && (data[0] % 5 < 2 || data[0] % 5 == 4)) {
    const Json* session = json_member(*outcome, "session");
    FUZZ_CHECK(session != nullptr && session->is_object());
  }
  return 0;
}
