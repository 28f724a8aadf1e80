// Result<T> (result.hpp), a tagged union of a value and an Error: every copy, move and
// assignment between the two states constructs and destroys each alternative exactly once.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "ssokit/result.hpp"

namespace ssokit {
namespace {

// Counts the instances alive, so a leaked or twice-destroyed value shows.
struct Counted {
  static inline int alive = 0;
  std::string text;
  explicit Counted(std::string t) : text(std::move(t)) { ++alive; }
  Counted(const Counted& other) : text(other.text) { ++alive; }
  Counted(Counted&& other) noexcept : text(std::move(other.text)) { ++alive; }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) = default;
  ~Counted() { --alive; }
};

Error failure(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

TEST(Result, HoldsAValueOrAnError) {
  Result<std::string> value(std::string("v"));
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(static_cast<bool>(value));
  EXPECT_EQ(*value, "v");
  EXPECT_EQ(value->size(), 1u);
  Result<std::string> error(failure("bad"));
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.take_error().message, "bad");
}

TEST(Result, CopiesAndMovesEachState) {
  Counted::alive = 0;
  {
    Result<Counted> a(Counted("a"));
    EXPECT_EQ(Counted::alive, 1);
    Result<Counted> copy(a);
    EXPECT_EQ(Counted::alive, 2);
    EXPECT_EQ(copy->text, "a");
    EXPECT_EQ(a->text, "a");
    Result<Counted> moved(std::move(copy));
    EXPECT_EQ(moved->text, "a");
    Result<Counted> e(failure("e"));
    Result<Counted> e2(e);
    EXPECT_EQ(e2.error().message, "e");
    EXPECT_EQ(e.error().message, "e");
    EXPECT_EQ(Counted::alive, 3);  // a, copy (moved from) and moved
  }
  EXPECT_EQ(Counted::alive, 0);
}

TEST(Result, AssignmentSwitchesBetweenValueAndError) {
  Counted::alive = 0;
  {
    Result<Counted> r(Counted("first"));
    r = Result<Counted>(failure("now an error"));  // the value is destroyed
    EXPECT_EQ(Counted::alive, 0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "now an error");
    const Result<Counted> value(Counted("second"));
    r = value;  // copy-assigned back to a value
    EXPECT_EQ(Counted::alive, 2);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->text, "second");
    r = Result<Counted>(Counted("third"));  // value over value
    EXPECT_EQ(r->text, "third");
    EXPECT_EQ(Counted::alive, 2);
    Result<Counted>& self = r;
    r = self;  // self-assignment keeps the value
    EXPECT_EQ(r->text, "third");
    EXPECT_EQ(Counted::alive, 2);
  }
  EXPECT_EQ(Counted::alive, 0);
}

TEST(Result, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.ok());
  Result<std::unique_ptr<int>> moved(std::move(r));
  EXPECT_EQ(**moved, 7);
  std::unique_ptr<int> taken = std::move(moved).value();
  EXPECT_EQ(*taken, 7);
}

TEST(Result, TryPropagatesTheErrorAndBindsTheValue) {
  auto half = [](int n) -> Result<int> {
    if (n % 2 != 0) return failure("odd");
    return n / 2;
  };
  auto quarter = [&](int n) -> Result<int> {
    SSOKIT_TRY(int h, half(n));
    SSOKIT_TRY(int q, half(h));
    return q;
  };
  EXPECT_EQ(*quarter(12), 3);
  EXPECT_EQ(quarter(6).error().message, "odd");
}

// Status (Result<void>) holds an Error only when it failed: copies, moves and assignments keep
// each state and its message.
TEST(Result, StatusCopiesMovesAndAssignsEachState) {
  Status ok;
  Status bad(failure("no"));
  EXPECT_TRUE(ok.ok());
  ASSERT_FALSE(bad.ok());
  Status bad_copy(bad);
  Status ok_copy(ok);
  EXPECT_TRUE(ok_copy.ok());
  ASSERT_FALSE(bad_copy.ok());
  EXPECT_EQ(bad_copy.error().message, "no");
  EXPECT_EQ(bad.error().message, "no");  // a copy leaves the source as it was
  Status moved(std::move(bad_copy));
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().message, "no");
  Status target;
  target = moved;  // ok <- failed
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.error().code, ErrorCode::invalid_argument);
  target = ok;  // failed <- ok
  EXPECT_TRUE(target.ok());
  target = Status(failure("again"));  // ok <- failed, by move
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.take_error().message, "again");
  auto check = [](bool fail) -> Status {
    if (fail) return failure("checked");
    return {};
  };
  auto outer = [&](bool fail) -> Result<int> {
    SSOKIT_CHECK(check(fail));
    return 1;
  };
  EXPECT_EQ(*outer(false), 1);
  EXPECT_EQ(outer(true).error().message, "checked");
}

}  // namespace
}  // namespace ssokit
