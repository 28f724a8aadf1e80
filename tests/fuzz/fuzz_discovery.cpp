// Discovery response (process_discovery_response in ssokit/oauth.hpp) for a fixed issuer; the
// first byte picks the HTTP status. Invariant: accepted metadata survives to_json/from_json.
#include "fuzz_common.hpp"
#include "ssokit/oauth.hpp"

using namespace ssokit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const int kStatus[] = {200, 200, 200, 200, 201, 301, 404, 500};
  HttpResponse response;
  response.status = kStatus[data[0] % 8];
  response.headers = {{"Content-Type", "application/json"}};
  response.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  for (std::string_view issuer : {"https://idp.example.com", "http://127.0.0.1:4000/tenant"}) {
    auto metadata = process_discovery_response(issuer, response);
    if (!metadata.ok()) continue;
    FUZZ_CHECK(metadata->issuer == issuer);
    auto again = ProviderMetadata::from_json(metadata->to_json());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->issuer == metadata->issuer && again->token_endpoint == metadata->token_endpoint &&
               again->authorization_endpoint == metadata->authorization_endpoint);
  }
  return 0;
}
