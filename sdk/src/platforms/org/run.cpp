// A bounded driver for the org step machines that waits out 429s. run_steps refuses a step with
// wait_seconds (it is built for flows that never wait); here the caller's sleep function does the
// waiting, so tests can pass one that only records.
#include <algorithm>

#include "org_internal.hpp"

namespace ssokit::org {

Result<Json> run_with_waits(HttpTransport& transport, Result<FlowStep> first, const std::function<std::int64_t()>& clock,
                            const SleepFunction& sleep, int max_requests) {
  if (!first.ok()) return first.take_error();
  FlowStep step = std::move(first).value();
  for (int i = 0; i < max_requests; ++i) {
    if (step.result) return std::move(*step.result);
    if (!step.request) return make_error(ErrorCode::internal_error, "org step has neither a request nor a result");
    if (step.wait_seconds > 0) sleep(std::min(step.wait_seconds, kMaxWaitSeconds));
    SSOKIT_TRY(HttpResponse response, transport.send(*step.request));
    SSOKIT_TRY(step, org_step(step.state, response, clock()));
  }
  if (step.result) return std::move(*step.result);
  return make_error(ErrorCode::internal_error, "the org operation did not finish within its request budget");
}

}  // namespace ssokit::org
