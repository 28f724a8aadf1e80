#include <charconv>
#include <chrono>
#include <cstdlib>

#include "cli.hpp"

namespace ssokit::cli {

std::optional<std::string> Args::get(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string Args::get_or(std::string_view name, std::string fallback) const {
  auto v = get(name);
  return v ? *v : std::move(fallback);
}

std::vector<std::string> Args::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    if (k == name) out.push_back(v);
  }
  return out;
}

bool Args::flag(std::string_view name) const { return get(name).has_value(); }

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& spec,
                         std::size_t min_positional, std::size_t max_positional) {
  auto usage = [](std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); };
  Args args;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      const OptionSpec* option = nullptr;
      for (const auto& s : spec) {
        if (name == s.name) option = &s;
      }
      if (option == nullptr) return usage("unknown option --" + name);
      if (!option->repeatable && args.get(name)) return usage("--" + name + " given twice");
      if (!option->takes_value) {
        if (inline_value) return usage("--" + name + " takes no value");
        args.values_.emplace_back(name, "");
        continue;
      }
      if (!inline_value) {
        if (i + 1 >= argv.size()) return usage("--" + name + " needs a value");
        inline_value = argv[++i];
      }
      args.values_.emplace_back(name, *inline_value);
    } else {
      args.positional_.push_back(a);
    }
  }
  for (const auto& s : spec) {
    if (s.required && !args.get(s.name)) return usage(std::string("--") + s.name + " is required");
  }
  if (args.positional_.size() < min_positional) return usage("missing argument");
  if (args.positional_.size() > max_positional) return usage("unexpected argument \"" + args.positional_[max_positional].substr(0, 40) + "\"");
  return args;
}

std::string client_secret_from_env() {
  const char* secret = std::getenv("SSOKIT_CLIENT_SECRET");
  return secret != nullptr ? secret : "";
}

Result<std::int64_t> parse_seconds(std::string_view name, std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > 86400) {
    return make_error(ErrorCode::invalid_argument, "--" + std::string(name) + " must be a number of seconds (0 to 86400)");
  }
  return value;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace ssokit::cli
