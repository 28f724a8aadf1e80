// The page build's system generator: none. A page hands the core crypto.getRandomValues output
// with each call that needs randomness (`random`, web/src/random.js), so the page carries no
// CTR_DRBG or AES and the core draws nothing on its own.
#include "ssokit/random.hpp"

namespace ssokit {

RandomSource& system_random() {
  struct HostOnly final : RandomSource {
    Status fill(std::uint8_t*, std::size_t) override {
      return make_error(ErrorCode::invalid_argument,
                        "this call needs the host's random bytes: pass `random` (hex, from crypto.getRandomValues)");
    }
  };
  static HostOnly instance;
  return instance;
}

}  // namespace ssokit
