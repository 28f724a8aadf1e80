// Internal: each concern registers its JSON methods as a table (api_<concern>.cpp).
#pragma once

#include <string>
#include <string_view>

#include "api.hpp"
#include "ssokit/base64.hpp"

namespace ssokit::api {

using Handler = Result<Json> (*)(const Json&);
struct Method {
  const char* name;
  Handler handler;
};
struct MethodTable {
  const Method* methods;
  std::size_t size;
};

MethodTable crypto_methods();  // api_crypto.cpp: pkce, random, base64url, hashes, json

// Parameter helpers: errors are invalid_argument naming the parameter.
Error bad_param(std::string_view name, std::string_view what);
Result<std::string> need_string(const Json& p, std::string_view name);
std::string opt_string(const Json& p, std::string_view name, std::string fallback = {});
Result<Bytes> need_hex(const Json& p, std::string_view name);

}  // namespace ssokit::api
