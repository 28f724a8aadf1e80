// `ssokit twentythree ...`: the TwentyThree remote login page's server side from a shell
// (docs/platforms/twentythree.md). The site's OAuth credentials come from the environment only.
#include <cstdlib>

#include "cli.hpp"
#include "ssokit/native/drive.hpp"
#include "ssokit/platforms/twentythree.hpp"

namespace ssokit::cli {
namespace {

using twentythree::OAuth1Placement;
using twentythree::SiteOptions;

Result<std::string> from_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return make_error(ErrorCode::invalid_argument,
                      std::string("set ") + name + " (the site's super credentials come from the environment, never argv)");
  }
  return std::string(value);
}

Result<SiteOptions> site_options(const Args& args) {
  SiteOptions o;
  o.site = *args.get("site");
  SSOKIT_TRY(o.credentials.consumer_key, from_env("SSOKIT_TWENTYTHREE_CONSUMER_KEY"));
  SSOKIT_TRY(o.credentials.consumer_secret, from_env("SSOKIT_TWENTYTHREE_CONSUMER_SECRET"));
  SSOKIT_TRY(o.credentials.token, from_env("SSOKIT_TWENTYTHREE_ACCESS_TOKEN"));
  SSOKIT_TRY(o.credentials.token_secret, from_env("SSOKIT_TWENTYTHREE_ACCESS_TOKEN_SECRET"));
  const std::string format = args.get_or("format", "json");
  if (format != "json" && format != "xml") return make_error(ErrorCode::invalid_argument, "--format must be json or xml");
  o.format = format == "json" ? twentythree::ResponseFormat::json : twentythree::ResponseFormat::xml;
  o.method = args.get_or("method", "POST");
  const std::string where = args.get_or("oauth-in", "header");
  if (where == "header") o.placement = OAuth1Placement::header;
  else if (where == "body") o.placement = OAuth1Placement::body;
  else if (where == "query") o.placement = OAuth1Placement::query;
  else return make_error(ErrorCode::invalid_argument, "--oauth-in must be header, body or query");
  return o;
}

Result<Json> run(Result<FlowStep> first) {
  DriveOptions options;
  options.clock = now_seconds;
  return drive_steps(transport(), std::move(first), platform_machine(twentythree_step), options);
}

Result<Json> run_get_token(const Args& args) {
  SSOKIT_TRY(SiteOptions options, site_options(args));
  twentythree::GetTokenParams params;
  params.return_url = *args.get("return-url");
  params.email = args.get("email");
  params.full_name = args.get("full-name");
  return run(twentythree::get_token(options, params, system_random(), now_seconds()));
}

Result<Json> run_login_token(const Args& args) {
  twentythree::LoginTokenParams params;
  params.user_id = *args.get("user-id");
  params.return_url = args.get("return-url");
  params.allow_backend_login = args.flag("allow-backend-login");
  if (!params.allow_backend_login) {
    // Refuse before reading any credential: the flag is the point.
    auto refused = twentythree::get_login_token(SiteOptions{}, params, system_random(), now_seconds());
    return refused.take_error();
  }
  SSOKIT_TRY(SiteOptions options, site_options(args));
  return run(twentythree::get_login_token(options, params, system_random(), now_seconds()));
}

Result<Json> run_check_return_url(const Args& args) {
  SSOKIT_TRY(std::string ok, twentythree::validate_return_url(*args.get("return-url")));
  return Json{{"return_url", ok}};
}

constexpr const char* kCredentials =
    " Credentials (the site's super credentials, Settings -> API & Application) come from the environment: "
    "SSOKIT_TWENTYTHREE_CONSUMER_KEY, SSOKIT_TWENTYTHREE_CONSUMER_SECRET, SSOKIT_TWENTYTHREE_ACCESS_TOKEN, "
    "SSOKIT_TWENTYTHREE_ACCESS_TOKEN_SECRET. --format json (default, format=json&raw=1) or xml; --method POST "
    "(default) or GET; --oauth-in header (default), body (POST) or query (GET).";

}  // namespace

std::vector<Command> twentythree_commands() {
  const std::vector<OptionSpec> common = {{"site", true, true}, {"format"}, {"method"}, {"oauth-in"}};
  auto with = [&](std::vector<OptionSpec> extra) {
    extra.insert(extra.end(), common.begin(), common.end());
    return extra;
  };
  static const std::string get_token_summary =
      std::string("Asks the TwentyThree site for a session token (/api/session/get-token) for a visitor your portal "
                  "authenticated, and prints {redirect_url, return_url, expires_at}: send the browser to redirect_url "
                  "within 15 minutes (redeem-token sets the site's cookie and goes to return_url).") +
      kCredentials;
  static const std::string login_token_summary =
      std::string("Back-end login as an existing site user (/api/user/get-login-token): prints {redirect_url, "
                  "return_url, user_id, expires_at}. This can grant administrator rights: TwentyThree warns to use no "
                  "shared e-mails and to test the sign-on page thoroughly, so --allow-backend-login is required.") +
      kCredentials;
  return {
      {"twentythree get-token",
       "--site URL --return-url /PATH [--email E] [--full-name NAME] [--format json|xml] [--method POST|GET] "
       "[--oauth-in header|body|query]",
       get_token_summary.c_str(),
       with({{"return-url", true, true}, {"email"}, {"full-name"}}),
       0,
       0,
       run_get_token},
      {"twentythree login-token",
       "--site URL --user-id ID --allow-backend-login [--return-url /PATH] [--format json|xml] [--method POST|GET] "
       "[--oauth-in header|body|query]",
       login_token_summary.c_str(),
       with({{"user-id", true, true}, {"return-url"}, {"allow-backend-login", false}}),
       0,
       0,
       run_login_token},
      {"twentythree check-return-url",
       "--return-url /PATH",
       "Checks a return_url the TwentyThree site sent to the remote login page: prints {return_url} when it is a "
       "relative path on the site, else the invalid_return_url error.",
       {{"return-url", true, true}},
       0,
       0,
       run_check_return_url},
  };
}

}  // namespace ssokit::cli
