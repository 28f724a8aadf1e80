// Pushed authorization requests (RFC 9126): the authorization parameters go to the provider in
// an authenticated POST, and the browser is sent with client_id and request_uri only.
#include <algorithm>

#include "oauth_internal.hpp"
#include "ssokit/oauth.hpp"

namespace ssokit {

Result<HttpRequest> pushed_authorization_request(const ClientConfig& client, const ProviderMetadata& provider,
                                                 const Params& authorization_params, std::int64_t now) {
  if (provider.pushed_authorization_request_endpoint.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "pushed authorization requests (par) were asked for, but the provider metadata has no "
                      "pushed_authorization_request_endpoint: the provider does not support them (RFC 9126)");
  }
  // The client authentication adds client_id to the form itself (none, client_secret_post): a
  // second copy would be a repeated parameter, which RFC 9126 2.1 lets the provider refuse. With
  // the credentials in a header it is put back: the pushed request names its client (2.1).
  Params form;
  for (const auto& p : authorization_params) {
    if (p.first != "client_id") form.push_back(p);
  }
  SSOKIT_TRY(HttpRequest request, detail::form_post(client, provider, provider.pushed_authorization_request_endpoint,
                                                    "pushed_authorization_request_endpoint", form, now));
  SSOKIT_TRY(Params sent, form_decode(request.body));
  const bool named = std::any_of(sent.begin(), sent.end(), [](const auto& p) { return p.first == "client_id"; });
  if (!named) {
    sent.insert(sent.begin(), {"client_id", client.client_id});
    request.body = form_encode(sent);
  }
  return request;
}

Result<std::string> process_pushed_authorization_response(const ClientConfig& client, const ProviderMetadata& provider,
                                                          const HttpResponse& response) {
  const char* what = "the pushed authorization request endpoint";
  if (response.status != 201) {
    if (auto error = detail::oauth_error(response, ErrorCode::authorization_error, what)) return *error;
    return detail::http_status_error(response, what);
  }
  auto body = parse_json_object(response.body);
  if (!body.ok()) {
    return make_error(ErrorCode::invalid_response, "the pushed authorization response is not a JSON object: " + body.error().message);
  }
  auto request_uri = json_string_at(body.value(), "request_uri");
  if (!request_uri || request_uri->empty()) {
    return make_error(ErrorCode::invalid_response, "the pushed authorization response has no request_uri");
  }
  auto expires_in = json_int(body.value(), "expires_in");
  if (!expires_in || *expires_in <= 0) {
    return make_error(ErrorCode::invalid_response,
                      "the pushed authorization response's expires_in is not a positive integer (RFC 9126 2.2)");
  }
  if (provider.authorization_endpoint.empty()) {
    return make_error(ErrorCode::invalid_argument, "the provider metadata has no authorization_endpoint");
  }
  // RFC 9126 4: client_id and request_uri only; everything else was pushed.
  return add_query_params(provider.authorization_endpoint, {{"client_id", client.client_id}, {"request_uri", *request_uri}});
}

}  // namespace ssokit
