// The CLI's help texts: `ssokit help` (one line per command), `ssokit GROUP --help` (that group's
// commands), `ssokit help CMD` / `ssokit CMD --help` (usage and details, wrapped).
#include <cstdio>
#include <cstring>
#include <string>

#include "cli.hpp"

namespace ssokit::cli {
namespace {

constexpr std::size_t kWidth = 100;  // no help line is wider
constexpr int kNameColumn = 28;      // the longest command name ("twentythree check-return-url")

// The one-line summaries of `ssokit help`; the command's own summary is the long text.
struct Brief {
  const char* name;
  const char* line;
};
constexpr Brief kBriefs[] = {
    {"pkce", "Prints a PKCE pair (RFC 7636, S256), or a given verifier's challenge"},
    {"authorize-url", "Builds an authorization URL with state, nonce and PKCE"},
    {"logout-url", "Builds the provider's RP-initiated logout URL"},
    {"login", "Signs in with the system browser and a loopback redirect (RFC 8252)"},
    {"refresh", "Refreshes the session in --store (rotated refresh token stored first)"},
    {"revoke", "Revokes the refresh token (RFC 7009) and forgets the session"},
    {"fetch", "Calls your API with the session in --store (DPoP proof or Bearer)"},
    {"status", "Says whether --store holds a session: who, until when (never a token)"},
    {"decode", "Decodes a JWT WITHOUT verifying it (header and payload)"},
    {"verify", "Validates an ID token as a relying party would (OIDC Core 3.1.3.7)"},
    {"device", "Signs in with the device authorization grant (RFC 8628): code and QR"},
    {"twentythree get-token", "Session token for a visitor your portal authenticated"},
    {"twentythree login-token", "Back-end login as an existing site user (needs --allow-backend-login)"},
    {"twentythree check-return-url", "Checks a return_url the site sent to the remote login page"},
    {"streamone login", "A StreamOne session from an SSO response (session/createwithsso)"},
    {"streamone link-token", "Links the response's SSO token to a user (user/linkssotoken)"},
    {"streamone clear-token", "Clears a user's SSO token for a service (user/clearssotoken)"},
    {"muvi register", "Registers a viewer on the Muvi store (RegisterUser)"},
    {"muvi user-uuid", "Looks a viewer up on the Muvi store (GetUserUuid)"},
    {"muvi ensure-user", "Registers the viewer, or looks them up when already registered"},
    {"muvi login-url", "The store's auto-login link (HS256 JWT, Thirdpartylogin)"},
    {"org login-url", "Where an e-mail signs in: SSO only, SSO offered, or password"},
    {"org sso-set", "Registers the organization's OIDC provider (PUT settings/sso)"},
    {"org sso-delete", "Removes the organization's SSO settings (DELETE settings/sso)"},
    {"org sso-test", "Runs the platform's OIDC discovery test of the saved settings"},
    {"org domain-add", "Adds a domain and prints the DNS TXT record to publish"},
    {"org domain-verify", "Verifies a domain once its TXT record is published"},
    {"org security", "Sets authRequired and requireMfa (PUT settings/security)"},
};

// The one-line summary: from the table, else the summary's first sentence cut to fit.
std::string brief_of(const Command& c) {
  for (const auto& b : kBriefs) {
    if (std::strcmp(b.name, c.name) == 0) return b.line;
  }
  std::string s = c.summary;
  if (auto dot = s.find(". "); dot != std::string::npos) s.resize(dot);
  const std::size_t room = kWidth - 3 - kNameColumn;
  if (s.size() > room) s = s.substr(0, room - 3) + "...";
  return s;
}

// `text` wrapped at kWidth, continuation lines indented by `indent` spaces.
std::string wrap(const std::string& text, std::size_t indent) {
  std::string out;
  std::size_t column = 0;
  bool line_start = true;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    const std::size_t word = end - i;
    if (!line_start && column + 1 + word > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++column;
    }
    out.append(text, i, word);
    column += word;
    line_start = false;
    i = end + 1;
  }
  return out;
}

void print_lines(const std::vector<Command>& commands, std::string_view group, std::FILE* to) {
  for (const auto& c : commands) {
    const std::string_view name = c.name;
    if (!group.empty() && (name.size() <= group.size() || name.substr(0, group.size()) != group ||
                           name[group.size()] != ' ')) {
      continue;
    }
    std::fprintf(to, "  %-*s %s\n", kNameColumn, c.name, brief_of(c).c_str());
  }
}

}  // namespace

bool is_group(const std::vector<Command>& commands, std::string_view word) {
  for (const auto& c : commands) {
    const std::string_view name = c.name;
    if (name.size() > word.size() && name.substr(0, word.size()) == word && name[word.size()] == ' ') return true;
  }
  return false;
}

void print_usage(const std::vector<Command>& commands, std::FILE* to) {
  std::fprintf(to, "usage: ssokit <command> [options]\n\ncommands:\n");
  print_lines(commands, "", to);
  std::fprintf(to,
               "\n`ssokit help <command>` or `ssokit <command> --help`: the command's options and details.\n"
               "`ssokit --version`: the version. Exit codes: 0 success, 1 failure ({\"error\":{\"code\",\"message\"}}\n"
               "on stdout), 2 usage error.\n");
}

void print_group_usage(const std::vector<Command>& commands, std::string_view group, std::FILE* to) {
  std::fprintf(to, "usage: ssokit %.*s <command> [options]\n\ncommands:\n", static_cast<int>(group.size()),
               group.data());
  print_lines(commands, group, to);
  std::fprintf(to, "\n`ssokit help %.*s <command>` shows a command's options and details.\n",
               static_cast<int>(group.size()), group.data());
}

void print_command_usage(const Command& c, std::FILE* to) {
  const std::string head = std::string("usage: ssokit ") + c.name + " ";
  std::fprintf(to, "%s\n\n%s\n", wrap(head + c.usage, head.size()).c_str(), wrap(c.summary, 0).c_str());
}

}  // namespace ssokit::cli
