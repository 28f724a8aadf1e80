// Shared by the libFuzzer targets: an invariant check that aborts (libFuzzer then saves the
// input), and the fixed values the targets parse against.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

// A failed invariant is a finding like a crash: print it and abort so the input is kept.
#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

inline std::string_view fuzz_input(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// ---- Step machines (the platform connectors, the device flow) ----
#include <string>
#include <vector>

#include "ssokit/http.hpp"
#include "ssokit/session.hpp"

// The input is up to kMaxFuzzResponses responses separated by "\n--\n". Each starts with one byte:
// its low bits pick the HTTP status, bit 6 adds a Retry-After header (bit 7: seconds or a date);
// the rest is the body.
inline constexpr std::size_t kMaxFuzzResponses = 8;
inline std::vector<ssokit::HttpResponse> fuzz_responses(std::string_view text) {
  static const int kStatus[] = {200, 200, 200, 201, 204, 400, 401, 403, 404, 422, 429, 500, 503, 302, 200, 200};
  std::vector<ssokit::HttpResponse> out;
  while (out.size() < kMaxFuzzResponses) {
    const std::size_t separator = text.find("\n--\n");
    const std::string_view piece = text.substr(0, separator);
    if (!piece.empty()) {
      const auto selector = static_cast<unsigned char>(piece[0]);
      ssokit::HttpResponse r;
      r.status = kStatus[selector % 16];
      r.headers = {{"Content-Type", "application/json"}};
      if (selector & 0x40) r.headers.emplace_back("Retry-After", (selector & 0x80) ? "3" : "Sun, 06 Nov 1994 08:49:37 GMT");
      r.body.assign(piece.substr(1));
      out.push_back(std::move(r));
    }
    if (separator == std::string_view::npos) break;
    text.remove_prefix(separator + 4);
  }
  return out;
}

// Feeds the responses to a step machine in turn. Invariants: a step holds a request or a result,
// never both and never neither; a result is a JSON value. Returns the last outcome.
inline ssokit::Result<ssokit::Json> fuzz_drive(ssokit::Result<ssokit::FlowStep> step, const ssokit::StepFunction& fn,
                                               const std::vector<ssokit::HttpResponse>& responses, std::int64_t now) {
  for (const auto& response : responses) {
    if (!step.ok()) return step.take_error();
    FUZZ_CHECK(step->request.has_value() != step->result.has_value());
    if (step->result) return std::move(*step->result);
    step = fn(step->state, response, now);
  }
  if (!step.ok()) return step.take_error();
  FUZZ_CHECK(step->request.has_value() != step->result.has_value());
  if (step->result) return std::move(*step->result);
  return ssokit::Json(nullptr);  // still waiting for a response
}

// A secret the connector was given must not come back in an error (message or any detail).
inline bool fuzz_error_mentions(const ssokit::Error& e, std::string_view secret) {
  return e.message.find(secret) != std::string::npos || ssokit::dump_json(e.details).find(secret) != std::string::npos;
}
