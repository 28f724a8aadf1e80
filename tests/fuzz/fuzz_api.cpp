// The JSON call interface (ssokit::api::call_text), which reaches every registered method of the
// server build. Input: "<method>\n<params JSON>". Invariant: the answer is always a JSON object
// with exactly one of "ok" and "error".
#include "api.hpp"
#include "fuzz_common.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz_input(data, size);
  std::size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return 0;
  std::string_view method = text.substr(0, newline);
  std::string_view params = text.substr(newline + 1);
  std::string answer = api::call_text(method, params);
  auto parsed = parse_json_object(answer);
  FUZZ_CHECK(parsed.ok());
  FUZZ_CHECK(parsed->contains("ok") != parsed->contains("error"));
  return 0;
}
