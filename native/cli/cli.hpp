// The `ssokit` command-line tool: command table, argument parsing and the output contract
// (docs/ARCHITECTURE.md, DESIGN.md "Command-line tool"): success is JSON on stdout with exit 0;
// failure is {"error":{...}} on stdout plus one human line on stderr with exit 1; usage errors exit 2.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/http.hpp"
#include "ssokit/json.hpp"
#include "ssokit/oauth.hpp"
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
std::vector<Command> session_commands();  // login, refresh, revoke
std::vector<Command> jwt_commands();      // decode, verify

// Shared by commands: the client secret comes from SSOKIT_CLIENT_SECRET, never from argv.
std::string client_secret_from_env();
Result<std::int64_t> parse_seconds(std::string_view name, std::string_view text);
std::int64_t now_seconds();

// The process's libcurl transport (common.cpp).
HttpTransport& transport();
// Provider metadata: discovered from --issuer, unless an endpoint option (--authorization-endpoint,
// --end-session-endpoint) is given, which skips the network for offline use.
Result<ProviderMetadata> provider_for(const Args& args);

// A token store in a JSON file (mode 0600, replaced atomically). Plaintext: for the CLI and tests;
// players use the encrypted store.
class FileTokenStore final : public TokenStore {
 public:
  explicit FileTokenStore(std::string path) : path_(std::move(path)) {}
  Result<std::optional<std::string>> get(std::string_view key) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;

 private:
  Result<Json> load() const;
  Status write(const Json& doc) const;
  std::string path_;
};
inline constexpr const char* kStorageKey = "ssokit";
Result<std::optional<Session>> load_session(const std::string& store_path);

}  // namespace ssokit::cli
