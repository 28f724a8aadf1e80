// `ssokit org ...` commands.
#include "cli.hpp"

namespace ssokit::cli {

std::vector<Command> org_commands() { return {}; }

}  // namespace ssokit::cli
