// Authorization callback (process_callback, callback_state in ssokit/oauth.hpp) against a fixed
// transaction and provider. Invariants: an accepted callback carries the transaction's state and
// a code; callback_state agrees with it.
#include "fuzz_common.hpp"
#include "ssokit/oauth.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz_input(data, size);

  Transaction transaction;
  transaction.state = "S-abc123";
  transaction.nonce = "N-xyz";
  transaction.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  transaction.redirect_uri = "http://127.0.0.1:8765/callback";
  transaction.return_to = "/";
  transaction.issuer = "http://127.0.0.1:4000";
  transaction.client_id = "ssokit-public";
  transaction.created_at = 1700000000;
  transaction.expires_at = 1700000600;

  ProviderMetadata provider;
  provider.issuer = transaction.issuer;
  provider.authorization_endpoint = "http://127.0.0.1:4000/authorize";
  provider.token_endpoint = "http://127.0.0.1:4000/token";

  auto state = callback_state(text);
  for (bool iss_supported : {false, true}) {
    provider.authorization_response_iss_parameter_supported = iss_supported;
    auto result = process_callback(text, transaction, provider, 1700000100);
    if (!result.ok()) continue;
    FUZZ_CHECK(result->state == transaction.state);
    FUZZ_CHECK(!result->code.empty());
    FUZZ_CHECK(state.ok() && *state == transaction.state);
  }
  // An expired transaction is never accepted.
  FUZZ_CHECK(!process_callback(text, transaction, provider, 1700000601).ok());
  return 0;
}
