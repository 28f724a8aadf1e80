// Authorization response (RFC 6749 4.1.2, RFC 9207) checked against the pending transaction.
#include "ssokit/crypto.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/redact.hpp"

namespace ssokit {
namespace {

bool has_response_params(const Params& params) {
  for (const auto& [name, value] : params) {
    (void)value;
    if (name == "code" || name == "error" || name == "state") return true;
  }
  return false;
}

// Query first; the fragment only when the query carries no response (fragment response mode).
Result<Params> response_params(std::string_view callback_url) {
  auto url = parse_url(callback_url);
  if (!url.ok()) return make_error(ErrorCode::invalid_url, "the callback URL is not a valid URL: " + url.error().message);
  SSOKIT_TRY(Params query, query_params(url.value()));
  if (has_response_params(query)) return query;
  SSOKIT_TRY(Params fragment, fragment_params(url.value()));
  if (has_response_params(fragment)) return fragment;
  return query;
}

// RFC 6749 section 3.1: response parameters must not repeat.
Status check_no_duplicates(const Params& params) {
  static const char* kSingle[] = {"code", "state", "iss", "error", "error_description", "error_uri"};
  for (const char* name : kSingle) {
    int count = 0;
    for (const auto& p : params) count += p.first == name ? 1 : 0;
    if (count > 1) {
      return make_error(ErrorCode::invalid_response,
                        std::string("the callback repeats the \"") + name + "\" parameter; refusing an ambiguous response");
    }
  }
  return {};
}

// The provider's error as the code a page acts on (OpenID Connect Core 3.1.2.6): the user said
// no, or silent sign-in needs the user; anything else stays authorization_error. The provider's
// own error is kept in details either way.
ErrorCode callback_error_code(std::string_view error) {
  if (error == "access_denied") return ErrorCode::access_denied;
  if (error == "login_required" || error == "interaction_required" || error == "consent_required" ||
      error == "account_selection_required") {
    return ErrorCode::login_required;
  }
  return ErrorCode::authorization_error;
}

// The provider's error response (RFC 6749 4.1.2.1), if the callback is one.
std::optional<Error> provider_error(const Params& params) {
  auto error = find_param(params, "error");
  if (!error) return std::nullopt;
  // The provider's own text may echo the request or a code: masked.
  const std::string error_code = redact_credentials(*error);
  Json details = Json::object();
  details.set("error", error_code);
  std::string message = "the provider refused the sign-in: " + error_code.substr(0, 100);
  if (auto description = find_param(params, "error_description")) {
    const std::string text = redact_credentials(*description);
    details["error_description"] = text;
    message += " (" + text.substr(0, 300) + ")";
  }
  if (auto uri = find_param(params, "error_uri")) details["error_uri"] = redact_credentials(*uri);
  const ErrorCode code = callback_error_code(*error);
  if (code == ErrorCode::access_denied) message += "; the user declined or cancelled: offer to sign in again";
  if (code == ErrorCode::login_required) message += "; the provider needs the user: sign in interactively (without prompt=none)";
  return make_error(code, message, std::move(details));
}

}  // namespace

bool is_authorization_response(std::string_view callback_url) {
  auto params = response_params(callback_url);
  return params.ok() && has_response_params(params.value());
}

bool is_callback_for(std::string_view url, std::string_view redirect_uri) {
  auto here = parse_url(url);
  auto target = parse_url(redirect_uri);
  if (!here.ok() || !target.ok()) return false;
  const auto port = [](const Url& u) -> std::optional<std::uint16_t> {
    if (u.port) return u.port;
    if (u.scheme == "https") return 443;
    if (u.scheme == "http") return 80;
    return std::nullopt;
  };
  if (here->scheme != target->scheme || here->host != target->host || port(here.value()) != port(target.value())) return false;
  const auto path = [](const Url& u) { return u.path.empty() ? std::string("/") : u.path; };
  return path(here.value()) == path(target.value()) && is_authorization_response(url);
}

Result<std::string> callback_state(std::string_view callback_url) {
  SSOKIT_TRY(Params params, response_params(callback_url));
  SSOKIT_CHECK(check_no_duplicates(params));
  auto state = find_param(params, "state");
  if (!state || state->empty()) {
    // A provider that could not read the request (an expired or unknown PAR request_uri) answers
    // without a state: its error is what to show. It spends no pending sign-in and carries no code.
    if (auto error = provider_error(params)) return *error;
    return make_error(ErrorCode::state_missing, "the callback has no state parameter; the sign-in cannot be matched to a request");
  }
  return *state;
}

Result<CallbackResult> process_callback(std::string_view callback_url, const Transaction& transaction,
                                        const ProviderMetadata& provider, std::int64_t now) {
  SSOKIT_TRY(Params params, response_params(callback_url));
  SSOKIT_CHECK(check_no_duplicates(params));

  // RFC 9207: when the provider says it sends `iss`, it must be there; when sent, it must match.
  auto iss = find_param(params, "iss");
  if (iss) {
    if (*iss != transaction.issuer || *iss != provider.issuer) {
      return make_error(ErrorCode::iss_mismatch,
                        "the callback's iss parameter names another issuer than the one this sign-in started with "
                        "(possible mix-up attack)",
                        json_object("expected", transaction.issuer, "actual", iss->substr(0, 200)));
    }
  } else if (provider.authorization_response_iss_parameter_supported) {
    return make_error(ErrorCode::iss_mismatch,
                      "the provider advertises authorization_response_iss_parameter_supported but the callback has no iss "
                      "parameter (RFC 9207)");
  }

  auto state = find_param(params, "state");
  if (!state || state->empty()) {
    if (auto error = provider_error(params)) return *error;  // as callback_state
    return make_error(ErrorCode::state_missing, "the callback has no state parameter; the sign-in cannot be matched to a request");
  }
  if (!constant_time_equal(*state, transaction.state)) {
    return make_error(ErrorCode::state_mismatch,
                      "the callback's state does not match the pending sign-in; it was not started here or was tampered with");
  }
  if (now > transaction.expires_at) {
    return make_error(ErrorCode::transaction_not_found, "the pending sign-in has expired; start the sign-in again");
  }

  if (auto error = provider_error(params)) return *error;

  auto code = find_param(params, "code");
  if (!code || code->empty()) {
    return make_error(ErrorCode::invalid_response, "the callback has neither a code nor an error parameter");
  }
  return CallbackResult{*code, *state};
}

}  // namespace ssokit
