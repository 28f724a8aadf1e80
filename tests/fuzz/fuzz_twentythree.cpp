// The TwentyThree API's answer reader (twentythree::parse_response: XML envelope, raw JSON or
// "var x = {...}") and the step that consumes it. The first byte picks the object name.
// Invariants: an accepted answer is a JSON object with status "ok"; a platform error carries
// details.
#include "fuzz_common.hpp"
#include "ssokit/platforms/twentythree.hpp"
#include "ssokit/step_state.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool session = (data[0] & 1) == 0;
  HttpResponse response;
  response.status = (data[0] & 2) == 0 ? 200 : 500;
  response.headers = {{"Content-Type", (data[0] & 4) == 0 ? "application/json" : "text/xml"}};
  response.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);

  auto envelope = twentythree::parse_response(response, session ? "sessiontoken" : "logintoken");
  if (envelope.ok()) {
    FUZZ_CHECK(envelope->is_object());
    FUZZ_CHECK(json_string(*envelope, "status").value_or("") == "ok");
  } else if (envelope.error().code == ErrorCode::platform_error) {
    FUZZ_CHECK(!envelope.error().details.is_null());
  }

  const Json state = make_step_state(session ? "twentythree.get_token" : "twentythree.get_login_token", "token", 1,
                                     {{"site", "https://videos.example.com"}, {"return_url", "/video/1"}, {"user_id", "42"}});
  auto step = twentythree_step(state, response, 1700000000);
  if (step.ok()) {
    FUZZ_CHECK(step->result.has_value());
    FUZZ_CHECK(json_string(step->state, "phase") == std::optional<std::string>("done"));
    const std::string url = json_string(*step->result, "redirect_url").value_or("");
    FUZZ_CHECK(url.rfind("https://videos.example.com/api/", 0) == 0);
  }
  return 0;
}
