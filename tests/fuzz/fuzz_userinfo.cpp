// User-info answers (process_userinfo_response, with a WWW-Authenticate header from the input on
// 401) and the extra profile request's answers (process_profile_response). Input: the first byte
// picks the status, then "<WWW-Authenticate>\n<body>". Invariants: accepted user-info is an object
// about the expected subject; an accepted profile document is an object or an array; a bearer
// token named by the server in WWW-Authenticate never reaches the error.
#include "fuzz_common.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/profile.hpp"

using namespace ssokit;

namespace {
constexpr const char* kToken = "AT.fuzz0123456789abcdefXYZ";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const int kStatus[] = {200, 200, 200, 401, 401, 403, 500, 204};
  std::string_view text = fuzz_input(data + 1, size - 1);
  const std::size_t newline = text.find('\n');
  HttpResponse response;
  response.status = kStatus[data[0] % 8];
  response.headers = {{"Content-Type", (data[0] & 8) ? "application/jwt" : "application/json"}};
  if (newline != std::string_view::npos) {
    response.headers.emplace_back("WWW-Authenticate", std::string(text.substr(0, newline)));
    text.remove_prefix(newline + 1);
  }
  response.body.assign(text);

  auto userinfo = process_userinfo_response(response, "acct-0001");
  if (userinfo.ok()) {
    FUZZ_CHECK(userinfo->is_object());
    FUZZ_CHECK(json_string(*userinfo, "sub").value_or("") == "acct-0001");
  } else {
    FUZZ_CHECK(!fuzz_error_mentions(userinfo.error(), kToken));
  }
  auto profile = process_profile_response(response, "https://members.example.com/api/me?fields=all");
  if (profile.ok()) {
    FUZZ_CHECK(profile->is_object() || profile->is_array());
  } else {
    FUZZ_CHECK(profile.error().message.find("fields=all") == std::string::npos);
  }
  return 0;
}
