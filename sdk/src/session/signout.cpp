// What ending a session does (see signout.hpp): forget first, then revoke and/or log out.
#include "ssokit/signout.hpp"

namespace ssokit {

Result<SignOutPlan> plan_sign_out(const ClientConfig& client, const std::optional<ProviderMetadata>& provider,
                                  const std::optional<Session>& session, const SignOutRequest& request,
                                  std::int64_t now) {
  SignOutPlan plan;  // forget: always, whatever follows fails
  if (!provider) return plan;
  if (request.revoke && session && !provider->revocation_endpoint.empty()) {
    // The refresh token outlives the access token: revoking it ends the grant (RFC 7009 2.1).
    const TokenSet& t = session->tokens;
    const bool refresh = !t.refresh_token.empty();
    const std::string& token = refresh ? t.refresh_token : t.access_token;
    if (!token.empty()) {
      SSOKIT_TRY(plan.revoke, revocation_request(client, *provider, token, refresh ? "refresh_token" : "access_token", now));
    }
  }
  if (request.logout && !provider->end_session_endpoint.empty()) {
    LogoutOptions logout;
    logout.client_id = client.client_id;
    if (session) logout.id_token_hint = session->tokens.id_token;
    logout.post_logout_redirect_uri = request.post_logout_redirect_uri;
    logout.state = request.state;
    SSOKIT_TRY(plan.logout_url, build_logout_url(*provider, logout));
  }
  return plan;
}

}  // namespace ssokit
