// The JSON parser and serializer (ssokit/json.hpp). Invariants: an accepted document dumps to
// text that parses back to an equal value and dumps identically; a copy is equal; any bytes as a
// string value dump to valid JSON that reads back (invalid UTF-8 replaced, never passed through).
#include "fuzz_common.hpp"
#include "ssokit/json.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz_input(data, size);
  auto parsed = parse_json(text);
  if (parsed.ok()) {
    const Json& value = parsed.value();
    const std::string dumped = value.dump();
    auto again = parse_json(dumped);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again.value() == value);
    FUZZ_CHECK(again.value().dump() == dumped);
    const Json copy = value;
    FUZZ_CHECK(copy == value);
  } else {
    FUZZ_CHECK(!parsed.error().message.empty());
  }
  const std::string as_string = Json(std::string(text)).dump();
  auto string_back = parse_json(as_string, ErrorCode::invalid_response, JsonLimits{6 * size + 16, 1});
  FUZZ_CHECK(string_back.ok());
  FUZZ_CHECK(string_back.value().is_string());
  return 0;
}
