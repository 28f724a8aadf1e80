// JSON methods for URLs: parse/build, percent- and form-encoding, query and fragment
// parameters, origins, and the return-URL validator.
#include "api_internal.hpp"
#include "ssokit/url.hpp"

namespace ssokit::api {
namespace {

// JSON strings are UTF-8; decoded bytes that are not cannot travel back unchanged (and the
// native and WebAssembly paths would disagree on how to replace them), so they are refused.
bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) { extra = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { extra = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { extra = 3; cp = c & 0x07; }
    else return false;
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Result<Json> utf8_text(std::string text, std::string_view what) {
  if (!is_utf8(text)) return bad_param(what, "decodes to bytes that are not UTF-8 text");
  return Json(std::move(text));
}

Json params_json(const Params& params) {
  Json out = Json::array();
  for (const auto& [name, value] : params) out.push_back(Json::array({name, value}));
  return out;
}

Result<Json> decoded_params_json(const Params& params, std::string_view what) {
  for (const auto& [name, value] : params) {
    if (!is_utf8(name) || !is_utf8(value)) return bad_param(what, "decodes to bytes that are not UTF-8 text");
  }
  return params_json(params);
}

// {"params": [[name, value], ...]}
Result<Params> need_params(const Json& p, std::string_view key) {
  const Json* list = json_member(p, key);
  if (list == nullptr || !list->is_array()) return bad_param(key, "is required and must be an array of [name, value] pairs");
  Params params;
  for (const Json& pair : *list) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return bad_param(key, "must hold only [name, value] pairs of strings");
    }
    params.emplace_back(pair[0].get_ref<const std::string&>(), pair[1].get_ref<const std::string&>());
  }
  return params;
}

Result<Url> need_url(const Json& p, std::string_view key) {
  SSOKIT_TRY(std::string text, need_string(p, key));
  return parse_url(text);
}

Json url_json(const Url& url) {
  Json out = Json::object();
  out.set("scheme", url.scheme);
  out.set("host", url.host);
  out.set("path", url.path);
  out.set("origin", url.origin());
  if (url.userinfo) out["userinfo"] = *url.userinfo;
  if (url.port) out["port"] = *url.port;
  if (url.query) out["query"] = *url.query;
  if (url.fragment) out["fragment"] = *url.fragment;
  return out;
}

// An optional string member: absent is nullopt, any other type is an error.
Result<std::optional<std::string>> opt_member(const Json& p, std::string_view key) {
  const Json* v = json_member(p, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return bad_param(key, "must be a string");
  return std::optional<std::string>(v->get_ref<const std::string&>());
}

Result<Json> m_parse(const Json& p) {
  SSOKIT_TRY(Url url, need_url(p, "url"));
  return url_json(url);
}

Result<Json> m_build(const Json& p) {
  Url url;
  SSOKIT_TRY(url.scheme, need_string(p, "scheme"));
  SSOKIT_TRY(url.userinfo, opt_member(p, "userinfo"));
  SSOKIT_TRY(auto host, opt_member(p, "host"));
  url.host = host.value_or("");
  SSOKIT_TRY(auto path, opt_member(p, "path"));
  url.path = path.value_or("");
  SSOKIT_TRY(url.query, opt_member(p, "query"));
  SSOKIT_TRY(url.fragment, opt_member(p, "fragment"));
  if (json_member(p, "port") != nullptr) {
    auto port = json_int(p, "port");
    if (!port || *port < 0 || *port > 65535) return bad_param("port", "must be an integer from 0 to 65535");
    url.port = static_cast<std::uint16_t>(*port);
  }
  SSOKIT_TRY(std::string text, build_url(url));
  return Json(text);
}

Result<Json> m_percent_encode(const Json& p) {
  SSOKIT_TRY(std::string text, need_string(p, "text"));
  return Json(percent_encode(text));
}

Result<Json> m_percent_decode(const Json& p) {
  SSOKIT_TRY(std::string text, need_string(p, "text"));
  SSOKIT_TRY(std::string decoded, percent_decode(text));
  return utf8_text(std::move(decoded), "text");
}

Result<Json> m_form_encode(const Json& p) {
  SSOKIT_TRY(Params params, need_params(p, "params"));
  return Json(form_encode(params));
}

Result<Json> m_form_decode(const Json& p) {
  SSOKIT_TRY(std::string text, need_string(p, "text"));
  SSOKIT_TRY(Params params, form_decode(text));
  return decoded_params_json(params, "text");
}

Result<Json> m_add_query(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(Params params, need_params(p, "params"));
  SSOKIT_TRY(std::string out, add_query_params(url, params));
  return Json(out);
}

Result<Json> m_query_params(const Json& p) {
  SSOKIT_TRY(Url url, need_url(p, "url"));
  SSOKIT_TRY(Params params, query_params(url));
  return decoded_params_json(params, "url");
}

Result<Json> m_fragment_params(const Json& p) {
  SSOKIT_TRY(Url url, need_url(p, "url"));
  SSOKIT_TRY(Params params, fragment_params(url));
  return decoded_params_json(params, "url");
}

Result<Json> m_same_origin(const Json& p) {
  SSOKIT_TRY(std::string a, need_string(p, "a"));
  SSOKIT_TRY(std::string b, need_string(p, "b"));
  SSOKIT_TRY(bool same, same_origin(a, b));
  return Json(same);
}

Result<Json> m_validate_return_url(const Json& p) {
  SSOKIT_TRY(std::string url, need_string(p, "url"));
  SSOKIT_TRY(std::string safe, validate_return_url(url));
  return Json(safe);
}

constexpr Method kUrlMethods[] = {
    {"url.parse", m_parse},
    {"url.build", m_build},
    {"url.percent_encode", m_percent_encode},
    {"url.percent_decode", m_percent_decode},
    {"form.encode", m_form_encode},
    {"form.decode", m_form_decode},
    {"url.add_query", m_add_query},
    {"url.query_params", m_query_params},
    {"url.fragment_params", m_fragment_params},
    {"url.same_origin", m_same_origin},
    {"return_url.validate", m_validate_return_url},
};

}  // namespace

MethodTable url_tool_methods() { return {kUrlMethods, sizeof kUrlMethods / sizeof kUrlMethods[0]}; }

}  // namespace ssokit::api
