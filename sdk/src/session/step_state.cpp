// The step machines' state envelope (step_state.hpp).
#include "ssokit/step_state.hpp"

namespace ssokit {
namespace {

Error bad_state(const std::string& why) {
  return make_error(ErrorCode::invalid_argument, "step state " + why + "; start the operation again");
}

bool machine_matches(std::string_view machine, std::string_view expected) {
  if (!expected.empty() && expected.back() == '.') {
    return machine.size() > expected.size() && machine.compare(0, expected.size(), expected) == 0;
  }
  return machine == expected;
}

// Checks the envelope's members; the data is taken by the caller (copied or moved).
Result<StepState> read_header(const Json& state, std::string_view expected) {
  if (!state.is_object()) return bad_state("must be a JSON object");
  const std::optional<std::int64_t> version = json_int(state, "v");
  if (!version) return bad_state("has no version (v); it is not a state this SDK made");
  if (*version != kStepStateVersion) {
    return bad_state("has version " + std::to_string(*version) + ", this SDK reads version " +
                     std::to_string(kStepStateVersion));
  }
  const std::optional<std::string> machine = json_string(state, "machine");
  if (!machine || machine->empty()) return bad_state("has no machine");
  if (!machine_matches(*machine, expected)) {
    return bad_state("belongs to the \"" + *machine + "\" machine, not \"" + std::string(expected) + "\"");
  }
  const std::optional<std::string> phase = json_string(state, "phase");
  if (!phase || phase->empty()) return bad_state("has no phase");
  StepState out;
  out.machine = *machine;
  out.phase = *phase;
  if (*phase == kDonePhase) return out;  // a finished machine keeps neither budget nor data
  const std::optional<std::int64_t> budget = json_int(state, "budget");
  if (!budget || *budget < 0) return bad_state("has no request budget");
  out.budget = *budget;
  const Json* data = json_member(state, "data");
  if (data == nullptr || !data->is_object()) return bad_state("has no data object");
  return out;
}

}  // namespace

Json StepState::to_json() const& { return make_step_state(machine, phase, budget, data); }
Json StepState::to_json() && { return make_step_state(machine, phase, budget, std::move(data)); }

Json make_step_state(std::string_view machine, std::string_view phase, std::int64_t budget, Json data) {
  if (phase == kDonePhase) return done_step_state(machine);
  Json out = Json::object();
  out.set("v", kStepStateVersion);
  out.set("machine", std::string(machine));
  out.set("phase", std::string(phase));
  out.set("budget", budget);
  out.set("data", data.is_object() ? std::move(data) : Json::object());
  return out;
}

Json done_step_state(std::string_view machine) {
  Json out = Json::object();
  out.set("v", kStepStateVersion);
  out.set("machine", std::string(machine));
  out.set("phase", kDonePhase);
  return out;
}

Result<StepState> read_step_state(const Json& state, std::string_view machine) {
  SSOKIT_TRY(StepState out, read_header(state, machine));
  if (out.phase != kDonePhase) out.data = state["data"];
  return out;
}

Result<StepState> read_step_state(Json&& state, std::string_view machine) {
  SSOKIT_TRY(StepState out, read_header(state, machine));
  if (out.phase != kDonePhase) out.data = std::move(state["data"]);
  return out;
}

std::string step_state_machine(const Json& state) {
  if (json_int(state, "v") != std::optional<std::int64_t>(kStepStateVersion)) return {};
  return json_text(state, "machine");
}

namespace {
Error budget_spent(const std::string& machine) {
  return make_error(ErrorCode::internal_error, "the " + machine + " flow did not finish within its request budget",
                    json_object("machine", machine));
}
}  // namespace

Status spend_request(StepState& state) {
  if (state.budget <= 0) return budget_spent(state.machine);
  --state.budget;
  return {};
}

Status spend_request(Json& state) {
  const std::int64_t budget = json_int(state, "budget").value_or(0);
  if (budget <= 0) return budget_spent(json_string(state, "machine").value_or("step"));
  state["budget"] = budget - 1;
  return {};
}

}  // namespace ssokit
