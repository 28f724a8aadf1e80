// Internal to sdk/src/oauth: helpers that token.cpp and device.cpp share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ssokit/oauth.hpp"

namespace ssokit::detail {

// A POST form to a token-endpoint style endpoint with the client's authentication applied
// (effective_client_auth; `revocation` picks the revocation endpoint's list); invalid_argument
// when the endpoint is missing (named by `endpoint_name`). `now` dates a client assertion.
Result<HttpRequest> form_post(const ClientConfig& client, const ProviderMetadata& provider, const std::string& endpoint,
                              const char* endpoint_name, Params form, std::int64_t now, bool revocation = false);
// An OAuth error body ({"error": ...}) as `code` with the provider's fields in details; nullopt
// when the body is not one.
std::optional<Error> oauth_error(const HttpResponse& response, ErrorCode code, const char* what);
Error http_status_error(const HttpResponse& response, const char* what);
// Whether the client's credentials (secret, private key, neither) allow the method `auth`.
bool credentials_allow(const ClientConfig& client, ClientAuth auth);
// Adds the client's credentials for `auth` to a token-endpoint style request (form fields, the
// Basic header, a client assertion or its sign effect). client_auth.cpp has every method;
// client_auth_public.cpp (the page build: a page is a public client) has `none` and answers
// unsupported for the others.
Status apply_client_auth(const ClientConfig& client, ClientAuth auth, const ProviderMetadata& provider,
                         std::int64_t now, Params& form, HttpRequest& request);

}  // namespace ssokit::detail
