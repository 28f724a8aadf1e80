// Return-URL validation (ssokit::validate_return_url and TwentyThree's). Invariants: an
// accepted value is returned unchanged, is a same-origin path (one leading '/', no '\'),
// and both validators agree.
#include "fuzz_common.hpp"
#include "ssokit/platforms/twentythree.hpp"
#include "ssokit/url.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz_input(data, size);
  auto checked = validate_return_url(text);
  if (checked) {
    FUZZ_CHECK(*checked == text);
    FUZZ_CHECK(!text.empty() && text[0] == '/');
    FUZZ_CHECK(text.size() == 1 || (text[1] != '/' && text[1] != '\\'));
    FUZZ_CHECK(text.find('\\') == std::string_view::npos);
    FUZZ_CHECK(text.size() <= 4096);
    // Resolved against a base URL it must stay on that origin.
    auto absolute = parse_url(std::string("https://portal.example.com") + std::string(text));
    FUZZ_CHECK(absolute.ok() && absolute->host == "portal.example.com" && !absolute->port);
  } else {
    FUZZ_CHECK(checked.error().code == ErrorCode::invalid_return_url);
  }
  auto site = twentythree::validate_return_url(text);
  FUZZ_CHECK(site.ok() == checked.ok());
  return 0;
}
