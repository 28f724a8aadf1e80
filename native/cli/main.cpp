// ssokit command-line tool: dispatch and the output contract (see cli.hpp).
#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "process/core_dumps.hpp"

namespace {

using ssokit::Json;
using ssokit::cli::Command;

std::vector<Command> all_commands() {
  auto commands = ssokit::cli::basic_commands();
  for (auto& c : ssokit::cli::session_commands()) commands.push_back(std::move(c));
  for (auto& c : ssokit::cli::jwt_commands()) commands.push_back(std::move(c));
  for (auto& c : ssokit::cli::device_commands()) commands.push_back(std::move(c));
  for (auto* group : {ssokit::cli::twentythree_commands, ssokit::cli::streamone_commands, ssokit::cli::muvi_commands,
                      ssokit::cli::org_commands}) {
    for (auto& c : group()) commands.push_back(std::move(c));
  }
  return commands;
}

void print_usage(const std::vector<Command>& commands, std::FILE* to) {
  std::fprintf(to, "usage: ssokit <command> [options]\n\ncommands:\n");
  for (const auto& c : commands) std::fprintf(to, "  %-26s %s\n", c.name, c.summary);
  std::fprintf(to, "\n`ssokit <command> --help` shows a command's options.\n");
}

void print_command_usage(const Command& c, std::FILE* to) {
  std::fprintf(to, "usage: ssokit %s %s\n%s\n", c.name, c.usage, c.summary);
}

int fail(const ssokit::Error& error, int exit_code) {
  std::cout << ssokit::dump_json(Json{{"error", {{"code", error.code_name()}, {"message", error.message}}}}) << "\n";
  // The message may quote what a provider or platform wrote: escaped for the terminal.
  std::cerr << "ssokit: " << error.code_name() << ": " << ssokit::printable_text(error.message) << "\n";
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any secret is read: a crash must not leave one in a core file (SSOKIT_ALLOW_CORE_DUMPS=1
  // keeps them for debugging).
  if (auto hardened = ssokit::native::disable_core_dumps(); !hardened.ok()) return fail(hardened.error(), 1);
  const auto commands = all_commands();
  if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "help") {
    print_usage(commands, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  // Platform commands are two words ("twentythree get-token"): match the longest name.
  std::string name = argv[1];
  const std::string two_words = argc > 2 ? name + " " + argv[2] : std::string();
  const Command* command = nullptr;
  for (const auto& c : commands) {
    if (!two_words.empty() && two_words == c.name) command = &c;
  }
  if (command != nullptr) {
    name = two_words;
  } else {
    for (const auto& c : commands) {
      if (name == c.name) command = &c;
    }
  }
  const int first_option = command != nullptr && name == two_words ? 3 : 2;
  if (command == nullptr) {
    print_usage(commands, stderr);
    return fail(ssokit::make_error(ssokit::ErrorCode::invalid_argument, "unknown command \"" + name.substr(0, 40) + "\""), 2);
  }
  std::vector<std::string> rest(argv + first_option, argv + argc);
  for (const auto& a : rest) {
    if (a == "--help" || a == "-h") {
      print_command_usage(*command, stdout);
      return 0;
    }
  }
  auto args = ssokit::cli::Args::parse(rest, command->options, command->min_positional, command->max_positional);
  if (!args.ok()) {
    print_command_usage(*command, stderr);
    return fail(args.error(), 2);
  }
  auto result = command->run(args.value());
  if (!result.ok()) return fail(result.error(), 1);
  std::cout << ssokit::dump_json(result.value()) << "\n";
  return 0;
}
