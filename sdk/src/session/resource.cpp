// The app's own API calls with the session's access token: Bearer (RFC 6750) or DPoP-bound
// (RFC 9449 7), built here so that every host attaches the token and the proof the same way.
#include "ssokit/session.hpp"

namespace ssokit {

Result<HttpRequest> authorized_request(HttpRequest request, const Session& session, const Json& nonces,
                                       std::int64_t now, RandomSource& random) {
  if (session.tokens.access_token.empty()) {
    return make_error(ErrorCode::login_required, "the session has no access token; sign in again");
  }
  if (request.url.empty()) return make_error(ErrorCode::invalid_argument, "the request needs a URL");
  if (session.dpop) {
    SSOKIT_CHECK(add_dpop_proof(request, *session.dpop, now, random, dpop_nonce_for(nonces, request.url),
                                session.tokens.access_token));
    return request;
  }
  Params headers;
  for (auto& h : request.headers) {
    if (!header_name_equals(h.first, "Authorization")) headers.push_back(std::move(h));
  }
  headers.emplace_back("Authorization", "Bearer " + session.tokens.access_token);
  request.headers = std::move(headers);
  return request;
}

ResourceAnswer resource_response(const HttpResponse& response, const Session& session, int attempt) {
  ResourceAnswer answer;
  if (!session.dpop) return answer;  // a Bearer token has no nonce and no challenge to answer
  if (auto nonce = response.header("DPoP-Nonce"); nonce && !nonce->empty()) answer.nonce = std::move(nonce);
  // Once: a server that asks for a new nonce every time gets its second challenge back.
  answer.retry = attempt == 1 && dpop_nonce_challenge(response).has_value();
  return answer;
}

}  // namespace ssokit
