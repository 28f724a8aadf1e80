#include <iterator>

#include "api_internal.hpp"

namespace ssokit::api {

Error bad_param(std::string_view name, std::string_view what) {
  return make_error(ErrorCode::invalid_argument,
                    "parameter \"" + std::string(name) + "\" " + std::string(what));
}

Result<std::string> need_string(const Json& p, std::string_view name) {
  auto v = json_string_at(p, name);
  if (!v) return bad_param(name, "is required and must be a string");
  return *v;
}

std::string opt_string(const Json& p, std::string_view name, std::string fallback) {
  auto v = json_string_at(p, name);
  return v ? *v : fallback;
}

Result<Bytes> need_hex(const Json& p, std::string_view name) {
  SSOKIT_TRY(std::string text, need_string(p, name));
  auto bytes = hex_decode(text);
  if (!bytes.ok()) return bad_param(name, "must be hex");
  return std::move(bytes).value();
}

Result<std::unique_ptr<RandomSource>> call_random(const Json& p) {
  struct System final : RandomSource {
    Status fill(std::uint8_t* out, std::size_t size) override { return system_random().fill(out, size); }
  };
  if (json_member(p, "random") == nullptr) return std::unique_ptr<RandomSource>(new System());
  SSOKIT_TRY(Bytes bytes, need_hex(p, "random"));
  return std::unique_ptr<RandomSource>(new HostRandom(std::move(bytes)));
}

namespace {

// Add a concern's table here. The first table naming a method answers it: the server tables come
// first so that they may replace a browser method of the same name (org.step: every operation).
const MethodTable kTables[] = {
#ifdef SSOKIT_API_FALLBACK
    verify_native_methods(),
#endif
#ifdef SSOKIT_API_SERVER
    twentythree_server_methods(), streamone_server_methods(), muvi_server_methods(), org_server_methods(),
#endif
    crypto_methods(), jose_methods(), oauth_methods(), profile_methods(), flow_methods(),
    device_methods(), policy_methods(),
#ifndef SSOKIT_API_NO_PLATFORMS
    twentythree_methods(), streamone_methods(), muvi_methods(), org_methods(),
#endif
#ifndef SSOKIT_API_NO_TOOLS
    crypto_tool_methods(), url_tool_methods(), jose_tool_methods(), profile_tool_methods(), device_tool_methods(),
#endif
};

#ifndef SSOKIT_API_SERVER
// The browser build leaves the secret-holding platform calls out (size, and secrets never belong in
// a page); asking for one gets a clear pointer to the server instead of "unknown method".
bool is_platform_method(std::string_view method) {
  for (std::string_view prefix : {"twentythree.", "streamone.", "muvi.", "org."}) {
    if (method.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}
#endif

}  // namespace

Result<Json> call(std::string_view method, const Json& params) {
  if (!params.is_object()) return make_error(ErrorCode::invalid_argument, "params must be a JSON object");
  for (const auto& table : kTables) {
    for (std::size_t i = 0; i < table.size; ++i) {
      if (method == table.methods[i].name) return table.methods[i].handler(params);
    }
  }
#ifndef SSOKIT_API_SERVER
  if (is_platform_method(method)) {
#ifdef SSOKIT_API_NO_PLATFORMS
    // ssokit-core.wasm: the platforms' browser-safe calls are in ssokit-platforms.wasm, which the
    // platform modules (web/src/twentythree.js...) load; the secret-holding ones only on a server.
    return make_error(ErrorCode::server_only, "\"" + std::string(method.substr(0, 64)) +
                                                  "\" is not in the page build: the platform modules load "
                                                  "ssokit-platforms.wasm; calls that need the platform's secret "
                                                  "belong on the portal's server (Node or native)");
#else
    return make_error(ErrorCode::server_only, "\"" + std::string(method.substr(0, 64)) +
                                                  "\" needs the platform's secret and is not in the browser build: "
                                                  "call it from the portal's server (Node or native)");
#endif
  }
#endif
  return make_error(ErrorCode::invalid_argument, "unknown method \"" + std::string(method.substr(0, 64)) + "\"");
}

std::string call_text(std::string_view method, std::string_view params_json) {
  auto params = parse_json_object(params_json.empty() ? std::string_view("{}") : params_json,
                                  ErrorCode::invalid_argument);
  Json out;
  if (!params.ok()) {
    out = {{"error", params.error().to_json()}};
  } else {
    auto r = call(method, params.value());
    out = r.ok() ? json_object("ok", std::move(r).value()) : json_object("error", r.error().to_json());
  }
  return dump_json(out);
}

}  // namespace ssokit::api
