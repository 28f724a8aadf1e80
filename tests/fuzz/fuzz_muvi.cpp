// Muvi REST answers: RegisterUser and GetUserUuid readers (by the numeric code only) and the
// register-or-look-up step machine (muvi_step), fed up to 8 answers (fuzz_responses); the first
// byte picks the operation. Invariants: an accepted user has a user_uuid; a platform error keeps
// the code in details; the store's auth token never comes back in an error.
#include "fuzz_common.hpp"
#include "ssokit/platforms/muvi.hpp"

using namespace ssokit;

namespace {
constexpr const char* kAuthToken = "fuzz-muvi-store-auth-token";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto responses = fuzz_responses(fuzz_input(data + 1, size - 1));
  if (responses.empty()) return 0;

  for (auto process : {muvi_process_register_user, muvi_process_get_user_uuid}) {
    auto user = process(responses.front());
    if (user.ok()) {
      FUZZ_CHECK(!user->user_uuid.empty());
    } else if (user.error().code == ErrorCode::platform_error) {
      FUZZ_CHECK(json_int(user.error().details, "platform_code").has_value());
    }
  }

  MuviUserRequest request;
  request.store = "https://store.example.com";
  request.auth_token = kAuthToken;
  request.email = "viewer@example.com";
  if (data[0] & 4) request.name = "Vera Viewer";
  Result<FlowStep> first = make_error(ErrorCode::internal_error, "unset");
  switch (data[0] % 3) {
    case 0: first = muvi_register_user(request); break;
    case 1: first = muvi_get_user_uuid(request); break;
    default: first = muvi_ensure_user(request); break;
  }
  FUZZ_CHECK(first.ok());
  auto outcome = fuzz_drive(std::move(first), muvi_step, responses, 1700000000);
  if (!outcome.ok()) {
    FUZZ_CHECK(!fuzz_error_mentions(outcome.error(), kAuthToken));
  } else if (outcome->is_object()) {
    FUZZ_CHECK(!json_string(*outcome, "user_uuid").value_or("").empty());
  }
  return 0;
}
