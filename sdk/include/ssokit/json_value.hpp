// ssokit::Json, the SDK's JSON value (included by json.hpp and error.hpp; use json.hpp).
//
// Why our own type instead of nlohmann/json: size and strictness. nlohmann's templates were
// inlined into every one of the ~500 functions that build or read JSON, and its number handling
// pulled strtod/printf and 128-bit soft-float into the WebAssembly build. Here every non-trivial
// member is defined once, out of line, in sdk/src/json/json_value.cpp, so a call site compiles to a
// call. The parser (parse_json in json.hpp) is strict RFC 8259 and rejects duplicate members.
//
// The API is the subset of nlohmann's that the code base uses, with the same meaning: objects
// keep their members sorted by key (dumps are byte-identical to nlohmann's default), non-negative
// integers parse as unsigned, a non-integral number keeps its original text (an exact round trip,
// no strtod or printf) and converts to double on request. Unlike nlohmann nothing aborts: a wrong
// type reads as an empty/zero value, a missing member of a const object as null.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ssokit {

class JsonMember;

class Json {
 public:
  enum class Type : std::uint8_t { null, boolean, number_integer, number_unsigned, number_float, string, array, object };

  // Iterates the values of an array or an object (members in key order); key() names the member.
  // A scalar has no elements (nlohmann iterates it as one element; nothing here relies on that).
  using Slot = std::unique_ptr<JsonMember>;
  template <class Value>
  class basic_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Json;
    using difference_type = std::ptrdiff_t;
    using pointer = Value*;
    using reference = Value&;

    basic_iterator() = default;
    explicit basic_iterator(const Slot* at) : at_(at) {}
    template <class V, class = std::enable_if_t<std::is_const_v<Value> && !std::is_same_v<V, Value>>>
    basic_iterator(const basic_iterator<V>& other) : at_(other.slot()) {}  // NOLINT: iterator -> const_iterator

    Value& operator*() const;
    Value* operator->() const { return &**this; }
    const std::string& key() const;
    Value& value() const { return **this; }
    const Slot* slot() const { return at_; }

    basic_iterator& operator++() { ++at_; return *this; }
    basic_iterator operator++(int) { basic_iterator old = *this; ++at_; return old; }
    basic_iterator& operator--() { --at_; return *this; }
    basic_iterator operator+(difference_type n) const { return basic_iterator(at_ + n); }
    difference_type operator-(const basic_iterator& o) const { return at_ - o.at_; }
    bool operator==(const basic_iterator& o) const { return at_ == o.at_; }
    bool operator!=(const basic_iterator& o) const { return at_ != o.at_; }

   private:
    const Slot* at_ = nullptr;
  };
  using iterator = basic_iterator<Json>;
  using const_iterator = basic_iterator<const Json>;
  // items(): the members themselves (key() and value()), as nlohmann's items().
  class Items {
   public:
    class iterator {
     public:
      explicit iterator(const Slot* at) : at_(at) {}
      const JsonMember& operator*() const;
      iterator& operator++() { ++at_; return *this; }
      bool operator!=(const iterator& o) const { return at_ != o.at_; }

     private:
      const Slot* at_;
    };
    Items(const Slot* b, const Slot* e) : b_(b), e_(e) {}
    iterator begin() const { return iterator(b_); }
    iterator end() const { return iterator(e_); }

   private:
    const Slot* b_;
    const Slot* e_;
  };

  // Construction: null, bool, any integer, double, strings; lists as nlohmann builds them (a
  // list of two-element lists whose first elements are strings is an object, anything else an
  // array); vectors of anything a Json can be made of.
  Json() noexcept;
  Json(std::nullptr_t) noexcept;  // NOLINT: implicit by design
  Json(bool b) noexcept;          // NOLINT
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Json(T v) noexcept {                                            // NOLINT
    if constexpr (std::is_signed_v<T>) {
      type_ = Type::number_integer;
      n_.i = v;
    } else {
      type_ = Type::number_unsigned;
      n_.u = v;
    }
  }
  Json(double d);                     // NOLINT; NaN and infinities dump as null, like nlohmann
  Json(const char* s);                // NOLINT
  Json(const std::string& s);         // NOLINT; by reference: no string to destroy at each call site
  Json(std::string&& s) noexcept;     // NOLINT
  Json(std::string_view s);           // NOLINT
  Json(std::initializer_list<Json> list);
  template <class T>
  Json(const std::vector<T>& items) : Json(array()) {  // NOLINT
    for (const T& item : items) push_back(Json(item));
  }

  Json(const Json& other);
  Json(Json&& other) noexcept;
  Json& operator=(const Json& other);
  Json& operator=(Json&& other) noexcept;
  ~Json();

  static Json array();
  static Json array(std::initializer_list<Json> items);  // always an array, even of pairs
  static Json object();
  static Json object(std::initializer_list<Json> members);  // pairs ["key", value]
  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_boolean() const { return type_ == Type::boolean; }
  bool is_number() const { return type_ >= Type::number_integer && type_ <= Type::number_float; }
  // True for integer AND unsigned values (test is_number_unsigned first to read 2^63 and above).
  bool is_number_integer() const { return type_ == Type::number_integer || type_ == Type::number_unsigned; }
  bool is_number_unsigned() const { return type_ == Type::number_unsigned; }
  bool is_number_float() const { return type_ == Type::number_float; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }
  bool is_primitive() const { return !is_array() && !is_object(); }
  bool is_structured() const { return is_array() || is_object(); }
  const char* type_name() const;

  // Reads a value. A wrong type gives false / 0 / "" (nlohmann would abort). Numbers convert
  // between each other (a float truncates and saturates).
  template <class T>
  T get() const {
    if constexpr (std::is_same_v<T, Json>) {
      return *this;
    } else if constexpr (std::is_same_v<T, std::string>) {
      return as_string();
    } else if constexpr (std::is_same_v<T, bool>) {
      return as_bool();
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(as_double());
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      return static_cast<T>(as_int64());
    } else {
      static_assert(std::is_integral_v<T>, "Json::get: unsupported type");
      return static_cast<T>(as_uint64());
    }
  }
  template <class T>
  void get_to(T& out) const { out = get<T>(); }
  // The string itself (an empty string when this is not a string).
  template <class T>
  T get_ref() const {
    static_assert(std::is_same_v<T, const std::string&>, "Json::get_ref: only const std::string&");
    return string_ref();
  }
  const std::string& string_ref() const;
  std::string as_string() const;
  bool as_bool() const;
  std::int64_t as_int64() const;
  std::uint64_t as_uint64() const;
  double as_double() const;

  // The member `key`, or `fallback` when there is none or it has another type.
  std::string value(std::string_view key, const char* fallback) const;
  std::string value(std::string_view key, const std::string& fallback) const;
  Json value(std::string_view key, const Json& fallback) const;
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  T value(std::string_view key, T fallback) const {
    const Json* v = find_member(key);
    if (v == nullptr) return fallback;
    if constexpr (std::is_same_v<T, bool>) {
      return v->is_boolean() ? v->as_bool() : fallback;
    } else {
      return v->is_number() ? v->get<T>() : fallback;
    }
  }

  // Objects: the const forms never insert (a missing member reads as null); the others turn a
  // null (or any non-object) into an object and insert a null member when missing.
  Json& operator[](std::string_view key);
  Json& operator[](const char* key) { return (*this)[std::string_view(key)]; }
  Json& operator[](const std::string& key) { return (*this)[std::string_view(key)]; }
  const Json& operator[](std::string_view key) const;
  const Json& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  const Json& operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
  const Json& at(std::string_view key) const { return (*this)[key]; }
  // An index (without this overload, at(0) would silently read the member named by a null pointer).
  const Json& at(std::size_t index) const { return element(index); }
  // Arrays: the const forms read null past the end; the other grows the array with nulls.
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  Json& operator[](I index) { return element(static_cast<std::size_t>(index)); }
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  const Json& operator[](I index) const { return element(static_cast<std::size_t>(index)); }
  Json& element(std::size_t index);
  const Json& element(std::size_t index) const;

  const Json* find_member(std::string_view key) const;  // nullptr when missing or not an object
  iterator find(std::string_view key);
  const_iterator find(std::string_view key) const;
  bool contains(std::string_view key) const { return find_member(key) != nullptr; }
  std::size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }
  std::size_t erase(std::string_view key);  // members removed (0 or 1)
  void erase(const_iterator at);            // an array element or an object member

  iterator begin();
  iterator end();
  const_iterator begin() const;
  const_iterator end() const;
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  // The members as key()/value() pairs (for an array the keys are empty).
  Items items() const;

  // Arrays and objects: their size; null: 0; any other value: 1 (as nlohmann).
  std::size_t size() const;
  bool empty() const;
  // Appends to an array (a null becomes an array first).
  // By reference (rvalue or const): a by-value Json would be moved and destroyed at each call site.
  void push_back(Json&& value);
  void push_back(const Json& value);
  template <class... Args>
  Json& emplace_back(Args&&... args) {
    push_back(Json(std::forward<Args>(args)...));
    return element(size() - 1);
  }
  // Adds or replaces member `key` of an object (a null becomes an object first).
  void set(std::string_view key, Json&& value);
  void set(std::string_view key, const Json& value);
  // A string, a literal or null made into the member by the callee, not as a temporary Json at
  // each call site. No overload for integers (an unsigned one must stay unsigned); a literal 0 is
  // ambiguous here (it is also a null pointer), so it is written Json(0).
  void set(std::string_view key, const std::string& value);
  void set(std::string_view key, std::string&& value);
  void set(std::string_view key, const char* value);
  void set(std::string_view key, std::nullptr_t);

  // Compact, members in key order, like nlohmann's dump(): invalid UTF-8 in strings becomes
  // U+FFFD, control characters are escaped, everything else is written as is.
  std::string dump() const;
  void dump_to(std::string& out) const;

  // Numbers compare by value across integer, unsigned and float; everything else structurally.
  friend bool operator==(const Json& a, const Json& b);
  friend bool operator!=(const Json& a, const Json& b) { return !(a == b); }

  void swap(Json& other) noexcept;

 private:
  friend class JsonMember;
  friend class JsonParser;

  Type type_ = Type::null;
  union Number {
    bool b;
    std::int64_t i;
    std::uint64_t u;
    double d;
  } n_{};
  std::string text_;               // a string, or a float's JSON text
  // Array elements (empty keys) or object members (sorted by key). Each in its own allocation so
  // that a reference to a member stays valid while others are added, as with nlohmann's std::map.
  std::vector<Slot> items_;
};

// One element of an array or member of an object.
class JsonMember {
 public:
  JsonMember() = default;
  JsonMember(std::string key, Json value) noexcept : key_(std::move(key)), value_(std::move(value)) {}
  const std::string& key() const { return key_; }
  Json& value() { return value_; }
  const Json& value() const { return value_; }

 private:
  friend class Json;
  friend class JsonParser;
  std::string key_;
  Json value_;
};

// Defined here, where JsonMember is complete (the vector member needs it).
inline Json::Json() noexcept = default;
inline Json::Json(std::nullptr_t) noexcept {}
inline Json::Json(bool b) noexcept : type_(Type::boolean) { n_.b = b; }

template <class Value>
Value& Json::basic_iterator<Value>::operator*() const {
  return (*at_)->value();
}
template <class Value>
const std::string& Json::basic_iterator<Value>::key() const {
  return (*at_)->key();
}
inline const JsonMember& Json::Items::iterator::operator*() const { return **at_; }

// An object of one, two or three members, for error details: one call where the list form
// {{"key", value}} builds and destroys three Json values per member at each call site.
Json json_object(std::string_view key, Json value);
Json json_object(std::string_view key1, Json value1, std::string_view key2, Json value2);
Json json_object(std::string_view key1, Json value1, std::string_view key2, Json value2, std::string_view key3,
                 Json value3);

// Writes dump(); for test diagnostics (defined apart so that nothing else links iostreams).
std::ostream& operator<<(std::ostream& out, const Json& value);

}  // namespace ssokit
