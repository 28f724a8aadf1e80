// `ssokit muvi ...` commands.
#include "cli.hpp"

namespace ssokit::cli {

std::vector<Command> muvi_commands() { return {}; }

}  // namespace ssokit::cli
