// The `ssokit` command-line tool: command table, argument parsing and the output contract
// (docs/ARCHITECTURE.md, DESIGN.md "Command-line tool"): success is JSON on stdout with exit 0;
// failure is {"error":{...}} on stdout plus one human line on stderr with exit 1; usage errors exit 2.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/oauth.hpp"
#include "ssokit/client.hpp"
#include "ssokit/display.hpp"
#include "ssokit/session.hpp"

namespace ssokit::cli {

// One option of a command: "--name" with a value, or a flag; repeatable options collect values.
struct OptionSpec {
  const char* name;  // without the leading "--"
  bool takes_value = true;
  bool required = false;
  bool repeatable = false;
};

class Args {
 public:
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string fallback) const;
  std::vector<std::string> get_all(std::string_view name) const;
  bool flag(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  // Parses argv after the command name against the command's options; invalid_argument with a
  // message naming the problem (a usage error: exit 2).
  static Result<Args> parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& spec,
                            std::size_t min_positional, std::size_t max_positional);

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> positional_;
};

using Handler = Result<Json> (*)(const Args&);

struct Command {
  const char* name;
  const char* usage;  // one line, after "ssokit <name> "
  const char* summary;
  std::vector<OptionSpec> options;
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;
  Handler run;
};

// Commands by concern (cmd_*.cpp).
std::vector<Command> basic_commands();    // pkce, authorize-url, logout-url
std::vector<Command> session_commands();  // login, refresh, revoke, fetch
std::vector<Command> jwt_commands();      // decode, verify
std::vector<Command> device_commands();   // device (RFC 8628 device authorization grant)
std::vector<Command> status_commands();   // status (cmd_status.cpp)
// Video platforms: two-word commands ("twentythree get-token"); secrets come from the environment.
std::vector<Command> twentythree_commands();  // cmd_twentythree.cpp
std::vector<Command> streamone_commands();    // cmd_streamone.cpp
std::vector<Command> muvi_commands();         // cmd_muvi.cpp
std::vector<Command> org_commands();          // cmd_org.cpp

// Help texts (help.cpp): every line at most 100 characters. A group is the first word of the
// two-word platform commands ("org").
bool is_group(const std::vector<Command>& commands, std::string_view word);
void print_usage(const std::vector<Command>& commands, std::FILE* to);
void print_group_usage(const std::vector<Command>& commands, std::string_view group, std::FILE* to);
void print_command_usage(const Command& c, std::FILE* to);

// Shared by commands: the client secret comes from SSOKIT_CLIENT_SECRET, never from argv.
std::string client_secret_from_env();

// The client authentication options of every command that talks to the token endpoint.
#define CLIENT_AUTH_USAGE "[--auth-method NAME] [--private-key FILE] [--private-key-id KID] [--private-key-alg ALG]"
#define CLIENT_AUTH_HELP                                                                                              \
  "--auth-method: none, client_secret_basic, client_secret_post, client_secret_jwt or private_key_jwt (default: the " \
  "first the provider's token_endpoint_auth_methods_supported lists that the credentials allow; a method the "       \
  "provider does not list is still sent). private_key_jwt signs with --private-key FILE or SSOKIT_PRIVATE_KEY (PEM "  \
  "PKCS#8 or a private JWK; RSA: RS256 or --private-key-alg PS256, EC P-256: ES256), kid from the JWK or "           \
  "--private-key-id."
Result<std::int64_t> parse_seconds(std::string_view name, std::string_view text);
std::int64_t now_seconds();

// The process's libcurl transport (common.cpp).
HttpTransport& transport();
// Caps each request's connect and total time at `seconds` (from a command's --timeout); only
// before the first transport() call.
void limit_request_time(std::int64_t seconds);
// Provider metadata: discovered from --issuer, unless an endpoint option (--authorization-endpoint,
// --end-session-endpoint) is given, which skips the network for offline use.
Result<ProviderMetadata> provider_for(const Args& args);

inline constexpr const char* kStorageKey = "ssokit";

// The token store behind --store FILE: the encrypted store (native/store, AES-256-GCM) when
// SSOKIT_STORE_KEY (32 bytes as 64 hex digits or 43 base64url characters) or SSOKIT_STORE_KEY_FILE
// (a mode-0600 file with the key) is set, else the plaintext FileTokenStore. Key problems
// (missing, malformed, both variables set) surface on the store's first get/put.
std::unique_ptr<TokenStore> open_store(const std::string& path);
Result<std::optional<Session>> load_session(const std::string& store_path);

// --profile-mapping: a preset name, or the path of a mapping file (docs/profile-mapping.md).
Result<Json> profile_mapping_of(const Args& args);
// --alg NAME (repeatable, or comma-separated): the ID-token algorithms accepted instead of the
// default list; invalid_argument for a name ssokit cannot verify.
Result<std::vector<std::string>> allowed_algs_of(const Args& args);
// SsoClient options from --issuer, --client-id, --scope, --profile-mapping, --profile-endpoint,
// --no-userinfo, --trusted-audience (repeatable), --alg, --par, --dpop and SSOKIT_CLIENT_SECRET.
Result<SsoClientOptions> client_options(const Args& args, std::string redirect_uri);
#define DPOP_HELP                                                                                                  \
  "--dpop binds the tokens to a new key (DPoP, RFC 9449: ES256, made for this sign-in and kept in --store beside " \
  "the session, encrypted when the store is); it is on anyway when the provider's discovery says "                 \
  "dpop_bound_access_tokens."
// What login, refresh and device print: the token set the user asked for, claims and profile.
Json session_output(const Session& s);

}  // namespace ssokit::cli
