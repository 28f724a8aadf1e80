// ssokit::Json, the value (json_value.hpp: why our own type): construction, access, comparison.
#include "ssokit/json.hpp"
#include "json_internal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ssokit {

using namespace detail;  // json_internal.hpp

namespace {

const Json& null_json() {
  static const Json kNull;
  return kNull;
}

// Index of the first member whose key is not less than `key` (members are sorted).
std::size_t lower_index(const std::vector<Json::Slot>& items, std::string_view key) {
  std::size_t lo = 0;
  std::size_t hi = items.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (std::string_view(items[mid]->key()) < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// -1, 0, 1 comparing two numbers by value (integers exactly, floats as doubles; NaN compares 0).
int compare_numbers(const Json& a, const Json& b) {
  if (a.is_number_float() || b.is_number_float()) {
    const double x = a.as_double();
    const double y = b.as_double();
    return x < y ? -1 : (y < x ? 1 : 0);
  }
  const bool a_negative = a.type() == Json::Type::number_integer && a.as_int64() < 0;
  const bool b_negative = b.type() == Json::Type::number_integer && b.as_int64() < 0;
  if (a_negative != b_negative) return a_negative ? -1 : 1;
  if (a_negative) return a.as_int64() < b.as_int64() ? -1 : (a.as_int64() > b.as_int64() ? 1 : 0);
  return a.as_uint64() < b.as_uint64() ? -1 : (a.as_uint64() > b.as_uint64() ? 1 : 0);
}

}  // namespace

// ---- the value ----------------------------------------------------------------------------------

Json::Json(double d) : type_(Type::number_float), text_(format_double(d)) { n_.d = d; }
Json::Json(const char* s) : type_(Type::string), text_(s) {}
Json::Json(const std::string& s) : type_(Type::string), text_(s) {}
Json::Json(std::string&& s) noexcept : type_(Type::string), text_(std::move(s)) {}
Json::Json(std::string_view s) : type_(Type::string), text_(s) {}

Json::Json(std::initializer_list<Json> list) {
  const bool pairs = std::all_of(list.begin(), list.end(), [](const Json& e) {
    return e.is_array() && e.items_.size() == 2 && e.items_[0]->value().is_string();
  });
  if (!pairs) {
    *this = array(list);
    return;
  }
  type_ = Type::object;
  for (const Json& pair : list) {
    const std::string& key = pair.items_[0]->value().text_;
    const std::size_t at = lower_index(items_, key);
    if (at < items_.size() && items_[at]->key() == key) continue;  // the first one wins, as in nlohmann
    items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(at), std::make_unique<JsonMember>(key, pair.items_[1]->value()));
  }
}

Json::Json(const Json& other) : type_(other.type_), n_(other.n_), text_(other.text_) {
  items_.reserve(other.items_.size());
  for (const Slot& m : other.items_) items_.push_back(std::make_unique<JsonMember>(*m));
}

Json::Json(Json&& other) noexcept
    : type_(other.type_), n_(other.n_), text_(std::move(other.text_)), items_(std::move(other.items_)) {
  other.type_ = Type::null;
  other.n_.u = 0;
  other.text_.clear();
  other.items_.clear();
}

// Both assignments build the new value first: `j = j["child"]` must not free the child early.
Json& Json::operator=(const Json& other) {
  if (this != &other) {
    Json copy(other);
    swap(copy);
  }
  return *this;
}

Json& Json::operator=(Json&& other) noexcept {
  if (this != &other) {
    Json moved(std::move(other));
    swap(moved);
  }
  return *this;
}

Json::~Json() = default;

void Json::swap(Json& other) noexcept {
  std::swap(type_, other.type_);
  std::swap(n_, other.n_);
  text_.swap(other.text_);
  items_.swap(other.items_);
}

Json Json::array() {
  Json j;
  j.type_ = Type::array;
  return j;
}

Json Json::array(std::initializer_list<Json> items) {
  Json j = array();
  j.items_.reserve(items.size());
  for (const Json& item : items) j.items_.push_back(std::make_unique<JsonMember>(std::string(), item));
  return j;
}

Json Json::object() {
  Json j;
  j.type_ = Type::object;
  return j;
}

Json Json::object(std::initializer_list<Json> members) {
  Json j = object();
  for (const Json& pair : members) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && !j.contains(pair[0].text_)) {
      j[pair[0].text_] = pair[1];
    }
  }
  return j;
}

const char* Json::type_name() const {
  switch (type_) {
    case Type::null: return "null";
    case Type::boolean: return "boolean";
    case Type::string: return "string";
    case Type::array: return "array";
    case Type::object: return "object";
    default: return "number";
  }
}

const std::string& Json::string_ref() const {
  static const std::string kEmpty;
  return is_string() ? text_ : kEmpty;
}

std::string Json::as_string() const { return is_string() ? text_ : std::string(); }
bool Json::as_bool() const { return is_boolean() && n_.b; }

std::int64_t Json::as_int64() const {
  switch (type_) {
    case Type::number_integer: return n_.i;
    case Type::number_unsigned: return n_.u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(n_.u);
    case Type::number_float:
      if (!(n_.d > -9.2e18)) return n_.d < 0 ? INT64_MIN : 0;  // also NaN -> 0
      return n_.d >= 9.2e18 ? INT64_MAX : static_cast<std::int64_t>(n_.d);
    default: return 0;
  }
}

std::uint64_t Json::as_uint64() const {
  switch (type_) {
    case Type::number_integer: return n_.i < 0 ? 0 : static_cast<std::uint64_t>(n_.i);
    case Type::number_unsigned: return n_.u;
    case Type::number_float:
      if (!(n_.d > 0)) return 0;
      return n_.d >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(n_.d);
    default: return 0;
  }
}

double Json::as_double() const {
  switch (type_) {
    case Type::number_integer: return static_cast<double>(n_.i);
    case Type::number_unsigned: return static_cast<double>(n_.u);
    case Type::number_float: return n_.d;
    default: return 0;
  }
}

std::string Json::value(std::string_view key, const char* fallback) const {
  const Json* v = find_member(key);
  return v != nullptr && v->is_string() ? v->text_ : std::string(fallback);
}

std::string Json::value(std::string_view key, const std::string& fallback) const {
  const Json* v = find_member(key);
  return v != nullptr && v->is_string() ? v->text_ : fallback;
}

Json Json::value(std::string_view key, const Json& fallback) const {
  const Json* v = find_member(key);
  return v != nullptr ? *v : fallback;
}

Json& Json::operator[](std::string_view key) {
  if (!is_object()) *this = object();
  const std::size_t at = lower_index(items_, key);
  if (at == items_.size() || items_[at]->key() != key) {
    items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(at), std::make_unique<JsonMember>(std::string(key), Json()));
  }
  return items_[at]->value();
}

const Json& Json::operator[](std::string_view key) const {
  const Json* v = find_member(key);
  return v != nullptr ? *v : null_json();
}

Json& Json::element(std::size_t index) {
  if (!is_array()) *this = array();
  while (items_.size() <= index) items_.push_back(std::make_unique<JsonMember>());
  return items_[index]->value();
}

const Json& Json::element(std::size_t index) const {
  return is_array() && index < items_.size() ? items_[index]->value() : null_json();
}

const Json* Json::find_member(std::string_view key) const {
  if (!is_object()) return nullptr;
  const std::size_t at = lower_index(items_, key);
  return at < items_.size() && items_[at]->key() == key ? &items_[at]->value() : nullptr;
}

Json::iterator Json::find(std::string_view key) {
  const Json* v = find_member(key);
  return v == nullptr ? end() : iterator(items_.data() + lower_index(items_, key));
}

Json::const_iterator Json::find(std::string_view key) const {
  const Json* v = find_member(key);
  return v == nullptr ? end() : const_iterator(items_.data() + lower_index(items_, key));
}

std::size_t Json::erase(std::string_view key) {
  if (find_member(key) == nullptr) return 0;
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(lower_index(items_, key)));
  return 1;
}

void Json::erase(const_iterator at) {
  const std::ptrdiff_t index = at.slot() - items_.data();
  if (index >= 0 && static_cast<std::size_t>(index) < items_.size()) items_.erase(items_.begin() + index);
}

Json::iterator Json::begin() { return iterator(items_.data()); }
Json::iterator Json::end() { return iterator(items_.data() + items_.size()); }
Json::const_iterator Json::begin() const { return const_iterator(items_.data()); }
Json::const_iterator Json::end() const { return const_iterator(items_.data() + items_.size()); }
Json::Items Json::items() const { return Items(items_.data(), items_.data() + items_.size()); }

std::size_t Json::size() const {
  if (is_null()) return 0;
  return is_structured() ? items_.size() : 1;
}

bool Json::empty() const {
  if (is_null()) return true;
  return is_structured() && items_.empty();
}

void Json::push_back(Json&& value) {
  if (!is_array()) *this = array();
  items_.push_back(std::make_unique<JsonMember>(std::string(), std::move(value)));
}
void Json::push_back(const Json& value) { push_back(Json(value)); }

void Json::set(std::string_view key, Json&& value) { (*this)[key] = std::move(value); }
void Json::set(std::string_view key, const Json& value) { (*this)[key] = value; }
void Json::set(std::string_view key, const std::string& value) { set(key, Json(value)); }
void Json::set(std::string_view key, std::string&& value) { set(key, Json(std::move(value))); }
void Json::set(std::string_view key, const char* value) { set(key, Json(value)); }
void Json::set(std::string_view key, std::nullptr_t) { set(key, Json()); }

bool operator==(const Json& a, const Json& b) {
  if (a.is_number_float() || b.is_number_float()) return a.is_number() && b.is_number() && a.as_double() == b.as_double();
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Json::Type::boolean: return a.n_.b == b.n_.b;
    case Json::Type::string: return a.text_ == b.text_;
    case Json::Type::array:
    case Json::Type::object:
      if (a.items_.size() != b.items_.size()) return false;
      for (std::size_t k = 0; k < a.items_.size(); ++k) {
        if (a.items_[k]->key() != b.items_[k]->key() || a.items_[k]->value() != b.items_[k]->value()) return false;
      }
      return true;
    default: return true;  // null
  }
}

const Json* json_member(const Json& object, std::string_view key) { return object.find_member(key); }

const std::string* json_string_at(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  return v != nullptr && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

std::optional<std::string> json_string(const Json& object, std::string_view key) {
  if (const std::string* s = json_string_at(object, key)) return *s;
  return std::nullopt;
}

Json json_object(std::string_view key, Json value) {
  Json out = Json::object();
  out.set(key, std::move(value));
  return out;
}

Json json_object(std::string_view key1, Json value1, std::string_view key2, Json value2) {
  Json out = json_object(key1, std::move(value1));
  out.set(key2, std::move(value2));
  return out;
}

Json json_object(std::string_view key1, Json value1, std::string_view key2, Json value2, std::string_view key3,
                 Json value3) {
  Json out = json_object(key1, std::move(value1), key2, std::move(value2));
  out.set(key3, std::move(value3));
  return out;
}

std::string json_text(const Json& object, std::string_view key) {
  const std::string* s = json_string_at(object, key);
  return s != nullptr ? *s : std::string();
}

std::optional<std::int64_t> json_int(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) {
    if (v->as_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return v->as_int64();
  }
  if (v->is_number_integer()) return v->as_int64();
  return std::nullopt;
}

std::optional<bool> json_bool(const Json& object, std::string_view key) {
  const Json* v = json_member(object, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->as_bool();
}

}  // namespace ssokit
