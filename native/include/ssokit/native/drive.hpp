// The one native driver of the core's step machines (sign-in, refresh, device, every platform
// operation): it sends each step's request, answers its verify effect, waits its wait_seconds
// (in short slices, so a cancel callback stops it promptly) and stops at the result. The request
// budget is the state envelope's (step_state.hpp): the machine itself refuses a step beyond it;
// the driver adds only a backstop on its own loop. SsoClient, the org commands, the CLI's platform
// commands and C ssokit_run all drive through it (the core never sleeps).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "ssokit/http.hpp"
#include "ssokit/jose.hpp"
#include "ssokit/session.hpp"

namespace ssokit {

// A machine's two ways on: the answer to its request and the answer to its verify effect (null for
// machines that never ask one: the platforms). They take the previous step whole, so the device
// flow re-sends an unchanged poll without rebuilding it.
struct StepMachine {
  std::function<Result<FlowStep>(FlowStep&& previous, const HttpResponse& response, std::int64_t now)> respond;
  std::function<Result<FlowStep>(FlowStep&& previous, bool verified, std::int64_t now)> verified;
};

// flow_step / flow_verified: sign-in, refresh and the device flow.
StepMachine flow_machine();
// A platform's <platform>_step (twentythree_step, streamone_step, muvi_step, org_step, or a JSON
// method through the call interface).
StepMachine platform_machine(StepFunction step);

struct DriveOptions {
  std::function<std::int64_t()> clock;  // unix seconds
  SignatureVerifier verify = verify_signature;
  // How a wait passes; empty: std::this_thread::sleep_for. Tests pass one that moves a fake clock.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Asked before each request and during waits: true ends the run with `cancelled`.
  std::function<bool()> cancelled;
  // A transport error: how long to wait before sending the same request again (the device flow's
  // RFC 8628 3.5 back-off, device_retry_wait), given the last back-off; nullopt (or empty) ends the
  // run with the error.
  std::function<std::optional<std::int64_t>(const Error& error, std::int64_t last_backoff, const FlowStep& step)> retry_wait;
  // The longest single wait the driver honours (a machine's waits are already bounded).
  std::int64_t max_wait_seconds = 3600;
  std::string cancelled_message = "the operation was cancelled";
};

// The driver's own bound on its loop: every machine's budget (the device flow's: a poll a second
// for the code's lifetime) ends it well before.
inline constexpr std::int64_t kDriveBackstop = 2 * (31 * 24 * 3600 + 64);

Result<Json> drive_steps(HttpTransport& transport, Result<FlowStep> first, const StepMachine& machine,
                         const DriveOptions& options);

}  // namespace ssokit
