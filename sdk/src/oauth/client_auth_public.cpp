// Client authentication in the page build: a browser page is a public client (RFC 6749 2.1, RFC
// 8252 8.4; web/src/client.js refuses clientSecret and privateKey in a page), so it only sends its
// client_id. The confidential methods (client_auth.cpp) are not compiled in: asking for one gets
// unsupported with a pointer to the server build.
#include "oauth_internal.hpp"

namespace ssokit::detail {

Status apply_client_auth(const ClientConfig& client, ClientAuth auth, const ProviderMetadata&, std::int64_t,
                         Params& form, HttpRequest&) {
  if (auth != ClientAuth::none) {
    return make_error(ErrorCode::unsupported,
                      client_auth_name(auth) + " is not in the browser build (a page is a public client): "
                                               "authenticate confidential clients from the server (Node or native)");
  }
  form.emplace_back("client_id", client.client_id);
  return {};
}

}  // namespace ssokit::detail
