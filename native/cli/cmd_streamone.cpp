// `ssokit streamone ...`: StreamOne API v3 single sign-on (docs/platforms/streamone.md). The
// application's pre-shared key comes from SSOKIT_STREAMONE_APPLICATION_KEY, never from argv.
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli.hpp"
#include "ssokit/native/drive.hpp"
#include "ssokit/platforms/streamone.hpp"

namespace ssokit::cli {
namespace {

constexpr const char* kKeyVariable = "SSOKIT_STREAMONE_APPLICATION_KEY";
constexpr std::size_t kMaxStdinResponse = 64 * 1024;

Result<streamone::Credentials> credentials(const Args& args) {
  const char* key = std::getenv(kKeyVariable);
  if (key == nullptr || *key == '\0') {
    return make_error(ErrorCode::invalid_argument,
                      std::string("set the application's pre-shared key in the environment variable ") + kKeyVariable);
  }
  streamone::Credentials c;
  c.server = *args.get("server");
  c.actor_id = *args.get("application");
  c.key = key;
  c.account = args.get("account");
  c.customer = args.get("customer");
  c.timezone = args.get("timezone");
  if (c.account && c.customer) {
    return make_error(ErrorCode::invalid_argument, "--account and --customer are mutually exclusive: give one of them");
  }
  return c;
}

// --sso-response R, or "-" to read it from standard input (keeps it out of the process list).
Result<std::string> sso_response(const Args& args) {
  std::string value = *args.get("sso-response");
  if (value != "-") return value;
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.empty() || line.size() > kMaxStdinResponse) {
    return make_error(ErrorCode::invalid_argument, "--sso-response -: expected the SSO response on one line of standard input");
  }
  return line;
}

Result<std::vector<std::string>> roles(const Args& args) {
  std::vector<std::string> out;
  auto text = args.get("roles");
  if (!text) return out;
  std::size_t start = 0;
  while (start <= text->size()) {  // ends: each round moves start past a comma or the end
    const std::size_t comma = std::min(text->find(',', start), text->size());
    std::string role = text->substr(start, comma - start);
    if (role.empty()) return make_error(ErrorCode::invalid_argument, "--roles: give role names separated by commas");
    out.push_back(std::move(role));
    start = comma + 1;
  }
  return out;
}

Result<Json> run(Result<FlowStep> first) {
  DriveOptions options;
  options.clock = now_seconds;
  return drive_steps(transport(), std::move(first), platform_machine(streamone_step), options);
}

Result<Json> run_login(const Args& args) {
  SSOKIT_TRY(streamone::Credentials c, credentials(args));
  streamone::LoginOptions options;
  options.service = *args.get("service");
  SSOKIT_TRY(options.response, sso_response(args));
  if (auto json = args.get("create-user")) {
    auto doc = parse_json_object(*json, ErrorCode::invalid_argument);
    if (!doc.ok()) return make_error(ErrorCode::invalid_argument, "--create-user must be a JSON object of user/create arguments");
    options.create_user = std::move(doc).value();
  }
  SSOKIT_TRY(options.roles, roles(args));
  options.replace_token = args.flag("replace-token");
  return run(streamone::login(c, options, now_seconds()));
}

Result<Json> run_link_token(const Args& args) {
  SSOKIT_TRY(streamone::Credentials c, credentials(args));
  SSOKIT_TRY(std::string response, sso_response(args));
  return run(streamone::link_token(c, *args.get("user"), *args.get("service"), response, args.flag("replace-token"),
                                   now_seconds()));
}

Result<Json> run_clear_token(const Args& args) {
  SSOKIT_TRY(streamone::Credentials c, credentials(args));
  return run(streamone::clear_token(c, *args.get("user"), *args.get("service"), now_seconds()));
}

// The options every streamone command shares, then its own.
std::vector<OptionSpec> options(std::vector<OptionSpec> own) {
  std::vector<OptionSpec> all = {{"server", true, true}, {"application", true, true}, {"account"}, {"customer"}, {"timezone"}};
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

}  // namespace

std::vector<Command> streamone_commands() {
  return {
      {"streamone login",
       "--server URL --application ID --service S --sso-response R|- [--create-user JSON] [--roles r1,r2] "
       "[--replace-token] [--account ID | --customer ID] [--timezone TZ]",
       "Starts a StreamOne session from a single sign-on response (session/createwithsso). With --create-user "
       "(the user/create arguments as JSON) an unknown token creates the user with --roles, links the token and "
       "retries once. Prints {session:{id,key,user,timeout},provisioned}. The application's pre-shared key comes "
       "from SSOKIT_STREAMONE_APPLICATION_KEY; --sso-response - reads the response from standard input.",
       options({{"service", true, true},
                {"sso-response", true, true},
                {"create-user"},
                {"roles"},
                {"replace-token", false}}),
       0,
       0,
       run_login},
      {"streamone link-token",
       "--server URL --application ID --user ID --service S --sso-response R|- [--replace-token] "
       "[--account ID | --customer ID] [--timezone TZ]",
       "Links the SSO token in the response to a user (user/linkssotoken). A user who already has a token for the "
       "service is an error (431) unless --replace-token, which clears the old token first. Key from "
       "SSOKIT_STREAMONE_APPLICATION_KEY.",
       options({{"user", true, true}, {"service", true, true}, {"sso-response", true, true}, {"replace-token", false}}),
       0,
       0,
       run_link_token},
      {"streamone clear-token",
       "--server URL --application ID --user ID --service S [--account ID | --customer ID] [--timezone TZ]",
       "Clears a user's SSO token for a service (user/clearssotoken). Key from SSOKIT_STREAMONE_APPLICATION_KEY.",
       options({{"user", true, true}, {"service", true, true}}),
       0,
       0,
       run_clear_token},
  };
}

}  // namespace ssokit::cli
