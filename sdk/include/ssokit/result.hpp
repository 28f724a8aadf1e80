// Result<T>: either a value or an Error. The core's public API returns these instead of throwing.
#pragma once

#include <cstdlib>
#include <utility>
#include <variant>

#include "ssokit/error.hpp"

namespace ssokit {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Accessing the wrong alternative is a programming error: abort (the core builds without
  // exceptions), so callers always check ok() first.
  T& value() & { check(true); return *std::get_if<0>(&v_); }
  const T& value() const& { check(true); return *std::get_if<0>(&v_); }
  T&& value() && { check(true); return std::move(*std::get_if<0>(&v_)); }
  const Error& error() const { check(false); return *std::get_if<1>(&v_); }
  Error&& take_error() { check(false); return std::move(*std::get_if<1>(&v_)); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void check(bool want_value) const {
    if (ok() != want_value) std::abort();
  }
  std::variant<T, Error> v_;
};

// Result of an operation that produces no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    if (ok_) std::abort();
    return error_;
  }
  Error&& take_error() {
    if (ok_) std::abort();
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace ssokit

// Propagates an error from an expression returning Result<...>; binds the value otherwise.
#define SSOKIT_CONCAT_INNER(a, b) a##b
#define SSOKIT_CONCAT(a, b) SSOKIT_CONCAT_INNER(a, b)
#define SSOKIT_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                     \
  if (!tmp.ok()) return tmp.take_error(); \
  decl = std::move(tmp).value()
#define SSOKIT_TRY(decl, expr) SSOKIT_TRY_IMPL(SSOKIT_CONCAT(ssokit_try_, __LINE__), decl, expr)
#define SSOKIT_CHECK(expr)                                     \
  do {                                                         \
    auto ssokit_check_ = (expr);                               \
    if (!ssokit_check_.ok()) return ssokit_check_.take_error(); \
  } while (0)
