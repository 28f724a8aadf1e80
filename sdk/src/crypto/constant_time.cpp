// Comparison of secrets (MACs, state) in time that does not depend on where they differ.
#include "ssokit/crypto.hpp"

namespace ssokit {

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool constant_time_equal(const Bytes& a, const Bytes& b) {
  return constant_time_equal(std::string_view(reinterpret_cast<const char*>(a.data()), a.size()),
                             std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

}  // namespace ssokit
