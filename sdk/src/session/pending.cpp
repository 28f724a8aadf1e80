// Which pending sign-in a callback belongs to (the policy every host runs; see session.hpp).
#include <algorithm>

#include "ssokit/session.hpp"

namespace ssokit {

std::optional<std::string> pending_key(std::string_view state) {
  // build_authorization_request's states: 32 random bytes in base64url, 43 characters. Anything
  // else (e.g. "latest", the marker's own name) names no transaction the SDK stored.
  const bool shaped = state.size() == 43 && std::all_of(state.begin(), state.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (!shaped) return std::nullopt;
  return "tx." + std::string(state);
}

CallbackMatch match_callback(std::string_view state, const std::optional<std::string>& stored,
                             const std::optional<std::string>& latest) {
  CallbackMatch out;
  const std::optional<std::string> key = pending_key(state);
  if (!key || !stored) {
    // A sign-in is pending but this callback's state is not its own: altered or mixed up. The
    // pending sign-in is spent too, so a forged callback cannot be retried against it.
    if (latest) {
      out.remove = {"tx.latest"};
      if (auto pending = pending_key(*latest)) out.remove.push_back(*pending);
      out.error = make_error(ErrorCode::state_mismatch,
                             "the callback's state does not match the pending sign-in; the response was altered or "
                             "belongs to another sign-in: start again");
      return out;
    }
    out.error = make_error(ErrorCode::transaction_not_found,
                           "no pending sign-in matches this callback: it was already used, expired, or started elsewhere");
    return out;
  }
  out.remove = {*key};  // single use, even when what follows fails
  if (latest && *latest == state) out.remove.push_back("tx.latest");
  auto json = parse_json_object(*stored, ErrorCode::storage_error);
  if (!json.ok()) {
    out.error = make_error(ErrorCode::storage_error, "the pending sign-in is unreadable; start again");
    return out;
  }
  auto transaction = Transaction::from_json(json.value());
  if (!transaction.ok()) {
    out.error = transaction.take_error();
  } else if (transaction->state != state) {
    out.error = make_error(ErrorCode::state_mismatch, "the stored sign-in belongs to another state; start again");
  } else {
    out.transaction = std::move(transaction).value();
  }
  return out;
}

}  // namespace ssokit
