// `ssokit org ...`: organization SSO (docs/platforms/org.md). login-url routes an e-mail to its
// organization's SSO; the others administer an organization with its API key, which (like the
// IdP's client secret) comes from the environment, never from argv. A 429 is waited out (the
// platform's Retry-After, at most 60 s, at most 2 retries) with a note on stderr.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli.hpp"
#include "ssokit/native/drive.hpp"
#include "ssokit/platforms/org.hpp"

namespace ssokit::cli {
namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

void sleep_noting(std::chrono::milliseconds wait) {
  std::cerr << "rate limited by the organization API: retrying in " << (wait.count() + 999) / 1000 << " s" << std::endl;
  std::this_thread::sleep_for(wait);
}

Result<Json> run(Result<FlowStep> first) {
  DriveOptions options;
  options.clock = now_seconds;
  options.sleep = sleep_noting;
  options.max_wait_seconds = org::kMaxWaitSeconds;
  return drive_steps(transport(), std::move(first), platform_machine(org_step), options);
}

Result<org::Admin> admin_of(const Args& args) {
  org::Admin admin;
  admin.connection.base = *args.get("base");
  admin.organization_id = *args.get("org-id");
  admin.api_key = env_or_empty("SSOKIT_ORG_API_KEY");
  admin.bearer = args.flag("bearer");
  if (admin.api_key.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "set SSOKIT_ORG_API_KEY to the organization owner's personal access token (never pass it as an argument)");
  }
  return admin;
}

Result<Json> run_login_url(const Args& args) {
  const auto email = args.get("email");
  const auto slug = args.get("slug");
  if (email.has_value() == slug.has_value()) return make_error(ErrorCode::invalid_argument, "give exactly one of --email and --slug");
  if (slug) {
    SSOKIT_TRY(std::string url, org::sso_login_url(*args.get("base"), *slug));
    return Json{{"login_url", url}, {"slug", *slug}};
  }
  org::Connection connection;
  connection.base = *args.get("base");
  return run(org::login_route(connection, *email, args.get_or("identify-path", "/api/auth/identify")));
}

Result<Json> run_sso_set(const Args& args) {
  SSOKIT_TRY(org::Admin admin, admin_of(args));
  org::SsoSettings s;
  s.provider = *args.get("provider");
  s.issuer_url = *args.get("issuer-url");
  s.client_id = *args.get("client-id");
  s.client_secret = env_or_empty("SSOKIT_ORG_SSO_CLIENT_SECRET");
  s.force = args.flag("force");
  if (s.client_secret.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "set SSOKIT_ORG_SSO_CLIENT_SECRET to the IdP application's client secret (never pass it as an argument)",
                      {{"field", "clientSecret"}});
  }
  return run(org::sso_set(admin, s));
}

Result<Json> run_sso_delete(const Args& args) {
  SSOKIT_TRY(org::Admin admin, admin_of(args));
  return run(org::sso_delete(admin, args.flag("force")));
}

Result<Json> run_sso_test(const Args& args) {
  SSOKIT_TRY(org::Admin admin, admin_of(args));
  return run(org::sso_test(admin));
}

Result<Json> run_domain_add(const Args& args) {
  SSOKIT_TRY(org::Admin admin, admin_of(args));
  SSOKIT_TRY(Json result, run(org::domain_add(admin, *args.get("domain"))));
  if (result["txt_record"].is_object()) {
    std::cerr << "Publish this DNS record, then run `ssokit org domain-verify`:\n  TXT "
              << printable_text(result["txt_record"]["name"].get<std::string>()) << " \""
              << printable_text(result["txt_record"]["value"].get<std::string>())
              << "\"" << std::endl;
  }
  return result;
}

Result<Json> run_domain_verify(const Args& args) {
  SSOKIT_TRY(org::Admin admin, admin_of(args));
  return run(org::domain_verify(admin, *args.get("domain-id")));
}

Result<Json> run_security(const Args& args) {
  SSOKIT_TRY(org::Admin admin, admin_of(args));
  org::SecuritySettings s;
  SSOKIT_TRY(s.auth_required, org::parse_auth_required(*args.get("auth-required")));
  s.require_mfa = args.flag("require-mfa");
  s.force = args.flag("force");
  return run(org::set_security(admin, s));
}

constexpr const char* kAdminEnv =
    " The API key comes from SSOKIT_ORG_API_KEY (sent as X-Api-Key; --bearer sends it as Authorization: Bearer).";

std::vector<OptionSpec> admin_options(std::vector<OptionSpec> more) {
  std::vector<OptionSpec> options = {{"base", true, true}, {"org-id", true, true}, {"bearer", false}};
  for (auto& o : more) options.push_back(o);
  return options;
}

}  // namespace

std::vector<Command> org_commands() {
  static const std::string set_summary =
      std::string("Registers the organization's OIDC IdP (PUT settings/sso); checks the fields first (https issuer "
                  "without /.well-known/...), then runs the SSO test (sso_test_failed when the saved settings do not pass: with "
                  "authRequired sso nobody could sign in; --force skips the test). The client secret comes from "
                  "SSOKIT_ORG_SSO_CLIENT_SECRET.") + kAdminEnv;
  static const std::string delete_summary =
      std::string("Removes the organization's SSO settings (DELETE settings/sso). Needs --force: with authRequired sso "
                  "it locks every member out, so lower authRequired first.") + kAdminEnv;
  static const std::string test_summary =
      std::string("Runs the platform's OIDC discovery test of the saved settings (POST settings/sso/test); a failing "
                  "test is the error sso_test_failed.") + kAdminEnv;
  static const std::string add_summary =
      std::string("Adds a domain (POST domains) and prints the DNS TXT record to publish (also on stderr).") + kAdminEnv;
  static const std::string verify_summary =
      std::string("Verifies a domain once its TXT record is published (POST domains/{id}/verify).") + kAdminEnv;
  static const std::string security_summary =
      std::string("Sets authRequired and requireMfa (PUT settings/security). Raising authRequired to sso first runs the "
                  "SSO test and refuses (sso_test_failed) unless it passes; --force skips that guard.") + kAdminEnv;
  return {
      {"org login-url", "--base URL (--email E | --slug S) [--identify-path PATH]",
       "Where an e-mail signs in: {\"method\":\"sso\",\"login_url\"} (SSO only, never a password form), "
       "{\"method\":\"any\",\"login_url\"} (SSO offered) or {\"method\":\"password\"}. Asks the platform's public "
       "POST /api/auth/identify; --slug builds /api/auth/sso/{slug}/login without asking.",
       {{"base", true, true}, {"email"}, {"slug"}, {"identify-path"}}, 0, 0, run_login_url},
      {"org sso-set", "--base URL --org-id ID --provider P --issuer-url U --client-id ID [--force] [--bearer]",
       set_summary.c_str(),
       admin_options({{"provider", true, true}, {"issuer-url", true, true}, {"client-id", true, true}, {"force", false}}), 0,
       0, run_sso_set},
      {"org sso-delete", "--base URL --org-id ID --force [--bearer]", delete_summary.c_str(),
       admin_options({{"force", false}}), 0, 0, run_sso_delete},
      {"org sso-test", "--base URL --org-id ID [--bearer]", test_summary.c_str(), admin_options({}), 0, 0, run_sso_test},
      {"org domain-add", "--base URL --org-id ID --domain D [--bearer]", add_summary.c_str(),
       admin_options({{"domain", true, true}}), 0, 0, run_domain_add},
      {"org domain-verify", "--base URL --org-id ID --domain-id ID [--bearer]", verify_summary.c_str(),
       admin_options({{"domain-id", true, true}}), 0, 0, run_domain_verify},
      {"org security", "--base URL --org-id ID --auth-required any|mfa|sso [--require-mfa] [--force] [--bearer]",
       security_summary.c_str(), admin_options({{"auth-required", true, true}, {"require-mfa", false}, {"force", false}}), 0,
       0, run_security},
  };
}

}  // namespace ssokit::cli
