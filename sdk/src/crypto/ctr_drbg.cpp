// CtrDrbgRandom (mbedTLS CTR_DRBG) and the system generator of every build but the page build.
#include "ssokit/random.hpp"

#include <mbedtls/ctr_drbg.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#if defined(__EMSCRIPTEN__) || defined(__linux__) || defined(__APPLE__)
#include <sys/random.h>
#endif

namespace ssokit {

struct CtrDrbgRandom::State {
  mbedtls_ctr_drbg_context drbg;
  std::mutex mutex;
  // For from_seed: the fixed entropy handed out once at seeding.
  Bytes seed;
  std::size_t seed_used = 0;
  // For from_system: the process that seeded it. A fork() copies the generator's state into the
  // child, which would then repeat the parent's bytes (state, nonce, PKCE, GCM nonces): a
  // changed pid reseeds from the system first.
  pid_t pid = 0;
};

namespace {

int system_entropy(void*, unsigned char* out, size_t size) {
  // getentropy() returns at most 256 bytes per call.
  while (size > 0) {
    size_t n = size > 256 ? 256 : size;
    if (getentropy(out, n) != 0) return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    out += n;
    size -= n;
  }
  return 0;
}

int seed_entropy(void* ctx, unsigned char* out, size_t size) {
  auto* state = static_cast<CtrDrbgRandom::State*>(ctx);
  // Stretch the fixed seed deterministically: byte i is seed[i % n] mixed with i.
  for (size_t i = 0; i < size; ++i) {
    std::size_t k = state->seed_used++;
    out[i] = static_cast<unsigned char>(state->seed[k % state->seed.size()] ^ (k * 131u));
  }
  return 0;
}

}  // namespace

CtrDrbgRandom::CtrDrbgRandom() : state_(std::make_unique<State>()) { mbedtls_ctr_drbg_init(&state_->drbg); }

CtrDrbgRandom::~CtrDrbgRandom() { mbedtls_ctr_drbg_free(&state_->drbg); }

Result<std::unique_ptr<CtrDrbgRandom>> CtrDrbgRandom::from_system() {
  std::unique_ptr<CtrDrbgRandom> r(new CtrDrbgRandom());
  static const unsigned char kPersonalization[] = "ssokit";
  if (mbedtls_ctr_drbg_seed(&r->state_->drbg, system_entropy, nullptr, kPersonalization,
                            sizeof kPersonalization - 1) != 0) {
    return make_error(ErrorCode::internal_error, "could not seed the random generator from the system");
  }
  r->state_->pid = getpid();
  return r;
}

Result<std::unique_ptr<CtrDrbgRandom>> CtrDrbgRandom::from_seed(const Bytes& seed) {
  if (seed.empty()) return make_error(ErrorCode::invalid_argument, "the test seed must not be empty");
  std::unique_ptr<CtrDrbgRandom> r(new CtrDrbgRandom());
  r->state_->seed = seed;
  if (mbedtls_ctr_drbg_seed(&r->state_->drbg, seed_entropy, r->state_.get(), nullptr, 0) != 0) {
    return make_error(ErrorCode::internal_error, "could not seed the random generator");
  }
  // A test generator never reseeds from anything but its seed.
  mbedtls_ctr_drbg_set_prediction_resistance(&r->state_->drbg, MBEDTLS_CTR_DRBG_PR_OFF);
  return r;
}

Status CtrDrbgRandom::fill(std::uint8_t* out, std::size_t size) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->pid != 0 && state_->pid != getpid()) {
    if (mbedtls_ctr_drbg_reseed(&state_->drbg, nullptr, 0) != 0) {
      return make_error(ErrorCode::internal_error, "could not reseed the random generator after fork()");
    }
    state_->pid = getpid();
  }
  while (size > 0) {
    std::size_t n = size > MBEDTLS_CTR_DRBG_MAX_REQUEST ? MBEDTLS_CTR_DRBG_MAX_REQUEST : size;
    if (mbedtls_ctr_drbg_random(&state_->drbg, out, n) != 0) {
      return make_error(ErrorCode::internal_error, "the random generator failed");
    }
    out += n;
    size -= n;
  }
  return {};
}

RandomSource& system_random() {
  // Seeded on first use; if the platform has no entropy at all, every fill reports it.
  struct Failing final : RandomSource {
    Status fill(std::uint8_t*, std::size_t) override {
      return make_error(ErrorCode::internal_error, "the system has no entropy source");
    }
  };
  static std::unique_ptr<RandomSource> instance = []() -> std::unique_ptr<RandomSource> {
    auto r = CtrDrbgRandom::from_system();
    if (!r.ok()) return std::make_unique<Failing>();
    return std::move(r).value();
  }();
  return *instance;
}

}  // namespace ssokit
