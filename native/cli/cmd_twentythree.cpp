// `ssokit twentythree ...` commands.
#include "cli.hpp"

namespace ssokit::cli {

std::vector<Command> twentythree_commands() { return {}; }

}  // namespace ssokit::cli
