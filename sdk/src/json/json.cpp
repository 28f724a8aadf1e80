#include "ssokit/json.hpp"

#include <set>
#include <vector>

namespace ssokit {

Result<Json> parse_json(std::string_view text, ErrorCode code, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(code, "JSON document is larger than " + std::to_string(limits.max_bytes) + " bytes",
                      {{"size", text.size()}});
  }
  // The parser callback tracks member names per open object to detect duplicates, and depth.
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  bool too_deep = false;
  std::string duplicate_name;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        open_objects.emplace_back();
        [[fallthrough]];
      case Json::parse_event_t::array_start:
        if (static_cast<std::size_t>(depth) >= limits.max_depth) too_deep = true;
        break;
      case Json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string()) {
          const auto& name = parsed.get_ref<const std::string&>();
          if (!open_objects.back().insert(name).second && !duplicate) {
            duplicate = true;
            duplicate_name = name;
          }
        }
        break;
      default:
        break;
    }
    return true;
  };
  Json value = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (too_deep) {
    return make_error(code, "JSON document is nested deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  if (value.is_discarded()) return make_error(code, "malformed JSON");
  if (duplicate) {
    return make_error(code, "JSON object has a duplicate member \"" + duplicate_name.substr(0, 64) + "\"");
  }
  return value;
}

Result<Json> parse_json_object(std::string_view text, ErrorCode code, const JsonLimits& limits) {
  SSOKIT_TRY(Json value, parse_json(text, code, limits));
  if (!value.is_object()) return make_error(code, "expected a JSON object");
  return value;
}

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json* json_member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> json_string(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<std::int64_t> json_int(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr) return std::nullopt;
  // is_number_integer() is also true for unsigned values: test unsigned first, or 2^64-1 reads as -1.
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v->is_number_integer()) return v->get<std::int64_t>();
  return std::nullopt;
}

std::optional<bool> json_bool(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

}  // namespace ssokit
