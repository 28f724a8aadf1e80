// What every build shares: RandomSource helpers, random tokens and the host's random bytes.
#include <cstring>

#include "ssokit/random.hpp"

namespace ssokit {

Status HostRandom::fill(std::uint8_t* out, std::size_t size) {
  if (bytes_.size() - used_ < size) {
    return make_error(ErrorCode::invalid_argument, "the host's random bytes (`random`) are too few for this call");
  }
  std::memcpy(out, bytes_.data() + used_, size);
  used_ += size;
  return {};
}

Result<Bytes> RandomSource::bytes(std::size_t size) {
  Bytes out(size);
  SSOKIT_CHECK(fill(out.data(), out.size()));
  return out;
}

Result<std::string> random_token(RandomSource& random, std::size_t size) {
  if (size < 16) return make_error(ErrorCode::invalid_argument, "random tokens need at least 128 bits");
  SSOKIT_TRY(Bytes bytes, random.bytes(size));
  return base64url_encode(bytes);
}

}  // namespace ssokit
