// The native step driver (ssokit/native/drive.hpp).
#include "ssokit/native/drive.hpp"

#include <algorithm>
#include <thread>

namespace ssokit {
namespace {

// Waits `seconds`, in slices short enough to notice a cancellation promptly.
Status wait_for(std::int64_t seconds, const DriveOptions& options) {
  constexpr std::chrono::milliseconds kSlice(250);
  std::chrono::milliseconds left = std::chrono::seconds(std::min(seconds, options.max_wait_seconds));
  while (left.count() > 0) {
    if (options.cancelled && options.cancelled()) return make_error(ErrorCode::cancelled, options.cancelled_message);
    const auto d = options.cancelled ? std::min(left, kSlice) : left;
    if (options.sleep) {
      options.sleep(d);
    } else {
      std::this_thread::sleep_for(d);
    }
    left -= d;
  }
  return {};
}

}  // namespace

StepMachine flow_machine() {
  StepMachine m;
  m.respond = [](FlowStep&& previous, const HttpResponse& response, std::int64_t now) {
    return flow_step(std::move(previous), response, now);
  };
  m.verified = [](FlowStep&& previous, bool verified, std::int64_t now) {
    return flow_verified(std::move(previous), verified, now);
  };
  return m;
}

StepMachine platform_machine(StepFunction step) {
  StepMachine m;
  m.respond = [step = std::move(step)](FlowStep&& previous, const HttpResponse& response, std::int64_t now) {
    return step(previous.state, response, now);
  };
  return m;
}

Result<Json> drive_steps(HttpTransport& transport, Result<FlowStep> first, const StepMachine& machine,
                         const DriveOptions& options) {
  if (!first.ok()) return first.take_error();
  FlowStep step = std::move(first).value();
  const auto now = [&options] { return options.clock ? options.clock() : std::int64_t{0}; };
  std::int64_t backoff = 0;
  for (std::int64_t turn = 0; turn < kDriveBackstop; ++turn) {
    if (step.result) return std::move(*step.result);
    if (step.verify) {
      if (!machine.verified) return make_error(ErrorCode::internal_error, "this step machine asks for a signature check it cannot take");
      const bool verified = options.verify(*step.verify);
      SSOKIT_TRY(step, machine.verified(std::move(step), verified, now()));
      continue;
    }
    if (!step.request) return make_error(ErrorCode::internal_error, "flow step has neither a request nor a result");
    if (!step.request->sign.empty() && !transport.completes_signatures()) {
      // Never sent unsigned: the caller's transport would drop the sign effect.
      return make_error(ErrorCode::invalid_argument,
                        "this request must be signed (private_key_jwt): send it through a SigningTransport with the key");
    }
    SSOKIT_CHECK(wait_for(std::max(step.wait_seconds, backoff), options));
    if (options.cancelled && options.cancelled()) return make_error(ErrorCode::cancelled, options.cancelled_message);
    auto answer = transport.send(*step.request);
    if (!answer.ok()) {
      std::optional<std::int64_t> retry;
      if (options.retry_wait) retry = options.retry_wait(answer.error(), backoff, step);
      if (!retry) return answer.take_error();
      backoff = *retry;
      continue;
    }
    backoff = 0;
    SSOKIT_TRY(step, machine.respond(std::move(step), answer.value(), now()));
  }
  return make_error(ErrorCode::internal_error, "the operation did not finish within its request budget");
}

}  // namespace ssokit
