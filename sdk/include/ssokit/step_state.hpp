// The one state envelope every step machine hands back to its host (sign-in, refresh, device, and
// each platform's operations):
//
//   {"v": 1, "machine": "signin" | "refresh" | "device" | "<platform>.<op>",
//    "phase": "<the machine's phase>", "budget": <requests left>, "data": {...}}
//
// The host treats it as opaque. Each machine sets its request budget when it starts; every step
// that emits a request spends one, so a machine stops (internal_error "did not finish within its
// request budget") however its host drives it. A finished machine's state is
// {"v", "machine", "phase": "done"}: no tokens, codes, verifiers or secrets stay behind.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ssokit/error.hpp"
#include "ssokit/json.hpp"

namespace ssokit {

inline constexpr int kStepStateVersion = 1;
inline constexpr const char* kDonePhase = "done";

struct StepState {
  std::string machine;
  std::string phase;
  std::int64_t budget = 0;
  Json data = Json::object();

  Json to_json() const&;
  Json to_json() &&;
};

// A new envelope (a machine's start).
Json make_step_state(std::string_view machine, std::string_view phase, std::int64_t budget, Json data);

// The envelope of a finished machine: no data, phase "done".
Json done_step_state(std::string_view machine);

// Reads a state handed back by the host. `machine` is the machine expected ("signin"), or a
// prefix ending in '.' for a family ("twentythree."): a state of another machine, another version
// or a malformed one is invalid_argument with a message that says which, never a crash.
Result<StepState> read_step_state(const Json& state, std::string_view machine);
Result<StepState> read_step_state(Json&& state, std::string_view machine);

// The machine of a state (empty when it is no envelope).
std::string step_state_machine(const Json& state);

// Spends one request of the budget (a step that emits a request calls it); internal_error "... did
// not finish within its request budget" when none is left.
Status spend_request(StepState& state);
// The same on an envelope in JSON form (the device flow's fast re-send of an unchanged poll).
Status spend_request(Json& state);

}  // namespace ssokit
