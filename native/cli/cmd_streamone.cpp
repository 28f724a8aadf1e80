// `ssokit streamone ...` commands.
#include "cli.hpp"

namespace ssokit::cli {

std::vector<Command> streamone_commands() { return {}; }

}  // namespace ssokit::cli
