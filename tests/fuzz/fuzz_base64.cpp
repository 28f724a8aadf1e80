// base64url (strict, canonical) and hex (ssokit/base64.hpp). Invariants: decode(encode(x)) == x,
// and a string that decodes is the one canonical encoding of its bytes.
#include "fuzz_common.hpp"
#include "ssokit/base64.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz_input(data, size);

  auto decoded = base64url_decode_string(base64url_encode(text));
  FUZZ_CHECK(decoded.ok() && *decoded == text);

  if (auto bytes = base64url_decode(text)) FUZZ_CHECK(base64url_encode(*bytes) == text);

  std::string hex = hex_encode(data, size);
  auto unhex = hex_decode(hex);
  FUZZ_CHECK(unhex.ok() && unhex->size() == size && std::equal(unhex->begin(), unhex->end(), data));
  if (auto bytes = hex_decode(text)) FUZZ_CHECK(bytes->size() * 2 == text.size());

  (void)base64_encode(text);
  return 0;
}
