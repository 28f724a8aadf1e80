// Result<T>: either a value or an Error. The core's public API returns these instead of throwing.
#pragma once

#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#include "ssokit/error.hpp"

namespace ssokit {

// A tagged union rather than std::variant<T, Error>: variant's visitation tables (a destructor,
// move and copy dispatcher per alternative, called through function pointers) cost the page wasm
// about 1.5 KB gzip across the core's Result types (BENCHMARKS.md, issue 14).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T&& value) : ok_(true) { new (&value_) T(std::move(value)); }  // NOLINT: implicit by design
  Result(const T& value) : ok_(true) { new (&value_) T(value); }        // NOLINT
  // By reference, not by value: an Error passed on (SSOKIT_TRY, make_error) is moved once, not twice.
  Result(Error&& error) : ok_(false) { new (&error_) Error(std::move(error)); }      // NOLINT
  Result(const Error& error) : ok_(false) { new (&error_) Error(error); }            // NOLINT
  Result(const Result& other) : ok_(other.ok_) { construct_from(other); }
  Result(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(other.ok_) {
    construct_from(std::move(other));
  }
  Result& operator=(const Result& other) {
    if (this != &other) {
      destroy();
      ok_ = other.ok_;
      construct_from(other);
    }
    return *this;
  }
  Result& operator=(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      destroy();
      ok_ = other.ok_;
      construct_from(std::move(other));
    }
    return *this;
  }
  ~Result() { destroy(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok(); }

  // Accessing the wrong alternative is a programming error: abort (the core builds without
  // exceptions), so callers always check ok() first.
  T& value() & { check(true); return value_; }
  const T& value() const& { check(true); return value_; }
  T&& value() && { check(true); return std::move(value_); }
  const Error& error() const { check(false); return error_; }
  Error&& take_error() { check(false); return std::move(error_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void check(bool want_value) const {
    if (ok_ != want_value) std::abort();
  }
  void destroy() {
    if (ok_) {
      value_.~T();
    } else {
      error_.~Error();
    }
  }
  template <class Other>
  void construct_from(Other&& other) {  // ok_ already set from other
    if (ok_) {
      new (&value_) T(std::forward<Other>(other).value_);
    } else {
      new (&error_) Error(std::forward<Other>(other).error_);
    }
  }
  union {
    T value_;
    Error error_;
  };
  bool ok_;
};

// Result of an operation that produces no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  // No Error is built for a success (most Status values): that would make a Json object each time.
  Result() : ok_(true) {}
  Result(Error&& error) : ok_(false) { new (&error_) Error(std::move(error)); }  // NOLINT
  Result(const Error& error) : ok_(false) { new (&error_) Error(error); }        // NOLINT
  Result(const Result& other) : ok_(other.ok_) {
    if (!ok_) new (&error_) Error(other.error_);
  }
  Result(Result&& other) noexcept : ok_(other.ok_) {
    if (!ok_) new (&error_) Error(std::move(other.error_));
  }
  Result& operator=(const Result& other) {
    if (this != &other) {
      this->~Result();
      new (this) Result(other);
    }
    return *this;
  }
  Result& operator=(Result&& other) noexcept {
    if (this != &other) {
      this->~Result();
      new (this) Result(std::move(other));
    }
    return *this;
  }
  ~Result() {
    if (!ok_) error_.~Error();
  }

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
  union {
    Error error_;
  };
  bool ok_;
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
