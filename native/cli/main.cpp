// ssokit command-line tool: dispatch and the output contract (see cli.hpp).
#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "process/core_dumps.hpp"
#include "ssokit/version.h"

namespace {

using ssokit::Json;
using ssokit::cli::Command;
using ssokit::cli::print_command_usage;
using ssokit::cli::print_group_usage;
using ssokit::cli::print_usage;

std::vector<Command> all_commands() {
  auto commands = ssokit::cli::basic_commands();
  for (auto& c : ssokit::cli::session_commands()) commands.push_back(std::move(c));
  for (auto& c : ssokit::cli::jwt_commands()) commands.push_back(std::move(c));
  for (auto& c : ssokit::cli::device_commands()) commands.push_back(std::move(c));
  for (auto& c : ssokit::cli::status_commands()) commands.push_back(std::move(c));
  for (auto* group : {ssokit::cli::twentythree_commands, ssokit::cli::streamone_commands, ssokit::cli::muvi_commands,
                      ssokit::cli::org_commands}) {
    for (auto& c : group()) commands.push_back(std::move(c));
  }
  return commands;
}

int fail(const ssokit::Error& error, int exit_code) {
  std::cout << ssokit::dump_json(Json{{"error", {{"code", error.code_name()}, {"message", error.message}}}}) << "\n";
  // The message may quote what a provider or platform wrote: escaped for the terminal.
  std::cerr << "ssokit: " << error.code_name() << ": " << ssokit::printable_text(error.message) << "\n";
  return exit_code;
}

int usage_error(const std::string& message) { return fail(ssokit::make_error(ssokit::ErrorCode::invalid_argument, message), 2); }

// The command named by args[0] (and args[1] for the two-word platform commands), or nullptr.
const Command* find_command(const std::vector<Command>& commands, const std::vector<std::string>& args,
                            std::size_t* words) {
  for (const auto& c : commands) {
    if (args.size() > 1 && args[0] + " " + args[1] == c.name) {
      *words = 2;
      return &c;
    }
  }
  for (const auto& c : commands) {
    if (!args.empty() && args[0] == c.name) {
      *words = 1;
      return &c;
    }
  }
  return nullptr;
}

bool is_help(const std::string& a) { return a == "--help" || a == "-h"; }

}  // namespace

int main(int argc, char** argv) {
  // Before any secret is read: a crash must not leave one in a core file (SSOKIT_ALLOW_CORE_DUMPS=1
  // keeps them for debugging).
  if (auto hardened = ssokit::native::disable_core_dumps(); !hardened.ok()) return fail(hardened.error(), 1);
  const auto commands = all_commands();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(commands, stderr);
    return 2;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "ssokit " << SSOKIT_VERSION << "\n";
    return 0;
  }
  // `ssokit help [CMD...]` is `ssokit [CMD...] --help`.
  const bool help = args[0] == "help" || is_help(args[0]);
  if (help) args.erase(args.begin());
  std::size_t words = 0;
  const Command* command = find_command(commands, args, &words);
  if (command == nullptr) {
    if (args.empty()) {
      print_usage(commands, stdout);
      return 0;
    }
    if (ssokit::cli::is_group(commands, args[0])) {
      // `ssokit org`, `ssokit org --help`, `ssokit help org`, `ssokit org bogus`.
      const bool asked = help || (args.size() == 2 && is_help(args[1]));
      print_group_usage(commands, args[0], asked ? stdout : stderr);
      if (asked) return 0;
      if (args.size() == 1) return usage_error("\"" + args[0] + "\" needs a command (see the list above)");
      return usage_error("unknown command \"" + (args[0] + " " + args[1]).substr(0, 60) + "\"");
    }
    print_usage(commands, stderr);
    return usage_error("unknown command \"" + args[0].substr(0, 40) + "\"");
  }
  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(words), args.end());
  if (help) {
    if (!rest.empty()) return usage_error("`ssokit help` takes a command name only");
    print_command_usage(*command, stdout);
    return 0;
  }
  for (const auto& a : rest) {
    if (is_help(a)) {
      print_command_usage(*command, stdout);
      return 0;
    }
  }
  auto parsed = ssokit::cli::Args::parse(rest, command->options, command->min_positional, command->max_positional);
  if (!parsed.ok()) {
    print_command_usage(*command, stderr);
    return fail(parsed.error(), 2);
  }
  auto result = command->run(parsed.value());
  if (!result.ok()) return fail(result.error(), 1);
  std::cout << ssokit::dump_json(result.value()) << "\n";
  return 0;
}
