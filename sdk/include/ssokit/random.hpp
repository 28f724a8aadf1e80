// Random source: injected everywhere randomness is needed so tests can be deterministic.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "ssokit/base64.hpp"

namespace ssokit {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with `size` random bytes or fails (storage of no partial output is promised).
  virtual Status fill(std::uint8_t* out, std::size_t size) = 0;

  Result<Bytes> bytes(std::size_t size);
};

// The host's random bytes for one call, handed out once and in order: a page passes
// crypto.getRandomValues output with the calls that need randomness (sans-I/O: the page build
// has no generator of its own), tests pass fixed bytes. Running out is an error, never a repeat.
class HostRandom final : public RandomSource {
 public:
  explicit HostRandom(Bytes bytes) : bytes_(std::move(bytes)) {}
  Status fill(std::uint8_t* out, std::size_t size) override;

 private:
  Bytes bytes_;
  std::size_t used_ = 0;
};

// mbedTLS CTR_DRBG (AES-256); not in the page build (native, Node and the fallback page build). `system()` seeds it once from the platform: getentropy() natively,
// crypto.getRandomValues in WebAssembly (emscripten maps getentropy to it). Seeding once and
// reusing the generator matters in WebAssembly, where each getentropy byte is a JS call.
class CtrDrbgRandom final : public RandomSource {
 public:
  ~CtrDrbgRandom() override;
  CtrDrbgRandom(const CtrDrbgRandom&) = delete;
  CtrDrbgRandom& operator=(const CtrDrbgRandom&) = delete;

  static Result<std::unique_ptr<CtrDrbgRandom>> from_system();
  // Deterministic generator for tests: the same seed gives the same bytes on every platform.
  static Result<std::unique_ptr<CtrDrbgRandom>> from_seed(const Bytes& seed);

  Status fill(std::uint8_t* out, std::size_t size) override;

  struct State;  // mbedTLS context, kept out of the public header

 private:
  CtrDrbgRandom();
  std::unique_ptr<State> state_;
};

// Process-wide system generator (lazily seeded, thread-safe). The page build has none: every
// fill fails with invalid_argument, naming the host's `random` bytes the call needed.
RandomSource& system_random();

// `size` random bytes as base64url (state, nonce, ...). 16 bytes = 128 bits is the minimum.
Result<std::string> random_token(RandomSource& random, std::size_t size = 32);

}  // namespace ssokit
