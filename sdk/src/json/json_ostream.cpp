// operator<< for Json (test diagnostics): apart from json_value.cpp so that only its users link iostreams.
#include <ostream>

#include "ssokit/json_value.hpp"

namespace ssokit {

std::ostream& operator<<(std::ostream& out, const Json& value) { return out << value.dump(); }

}  // namespace ssokit
