// Ending a session, decided once for every host (docs/ARCHITECTURE.md, "Sign-out and revoke"):
// the driver forgets the session locally first, always (offline too, before any discovery), then
// performs what the plan holds: the revocation request (RFC 7009; the refresh token preferred,
// else the access token; the client's authentication) and the provider's logout URL (OpenID
// Connect RP-Initiated Logout).
#pragma once

#include <optional>
#include <string>

#include "ssokit/oauth.hpp"
#include "ssokit/session.hpp"

namespace ssokit {

struct SignOutRequest {
  bool revoke = false;  // revoke the session's token at the provider
  bool logout = false;  // give the provider's logout URL
  std::string post_logout_redirect_uri;
  std::string state;
};

struct SignOutPlan {
  bool forget = true;                 // always, and first
  std::optional<HttpRequest> revoke;  // send it after forgetting (none: nothing to revoke, or offline)
  std::optional<std::string> logout_url;
};

// `provider`: the discovery document, or nullopt when it cannot be had (offline): the plan is
// then to forget only. `session`: the stored session being ended, if any. An error only for a
// request that cannot be made as asked (e.g. an invalid post_logout_redirect_uri).
Result<SignOutPlan> plan_sign_out(const ClientConfig& client, const std::optional<ProviderMetadata>& provider,
                                  const std::optional<Session>& session, const SignOutRequest& request,
                                  std::int64_t now);

}  // namespace ssokit
