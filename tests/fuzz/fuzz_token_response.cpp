// Token endpoint response (process_token_response in ssokit/oauth.hpp); the first byte picks the
// HTTP status. Invariants: an accepted token set has an access token and survives
// to_json/from_json.
#include "fuzz_common.hpp"
#include "ssokit/oauth.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const int kStatus[] = {200, 200, 200, 200, 201, 400, 401, 500};
  HttpResponse response;
  response.status = kStatus[data[0] % 8];
  response.headers = {{"Content-Type", "application/json"}};
  response.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  auto tokens = process_token_response(response, 1700000000);
  if (!tokens.ok()) return 0;
  FUZZ_CHECK(!tokens->access_token.empty());
  auto again = TokenSet::from_json(tokens->to_json());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->access_token == tokens->access_token && again->refresh_token == tokens->refresh_token &&
             again->id_token == tokens->id_token && again->expires_at == tokens->expires_at);
  return 0;
}
