// Errors are values in the engine: a code from the one table plus context that
// grows as the error rises. Bad peer input is expected, not exceptional.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/error_codes.h"

namespace rtmp::base {

enum class ErrorCode : uint16_t {
#define RTMP_X_ENUM(name, code, msg) name,
  RTMP_ERROR_CODES(RTMP_X_ENUM)
#undef RTMP_X_ENUM
};

// Stable string code, e.g. "ERR_RTMP_TRUNCATED".
std::string_view errorCodeName(ErrorCode code);
// Default human-readable message for the code.
std::string_view errorCodeMessage(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  explicit Error(ErrorCode code) : code_(code), message_(errorCodeMessage(code)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prepends context as the error rises: "chunk header: extended timestamp: input ended".
  Error& context(std::string_view where) {
    message_.insert(0, std::string(where) + ": ");
    return *this;
  }
  Error withContext(std::string_view where) const& {
    Error copy = *this;
    copy.context(where);
    return copy;
  }
  Error withContext(std::string_view where) && {
    context(where);
    return std::move(*this);
  }

  // "ERR_RTMP_TRUNCATED: chunk header: input ended inside a field"
  std::string toString() const;

 private:
  ErrorCode code_;
  std::string message_;
};

// Result<T>: either a value or an Error. Result<void> is spelt Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{ErrorCode::kOk};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status okStatus() {
  return Status();
}

}  // namespace rtmp::base

// Early-return helpers. RTMP_TRY(expr) for Status; RTMP_ASSIGN(lhs, expr) for Result<T>.
#define RTMP_CONCAT_INNER(a, b) a##b
#define RTMP_CONCAT(a, b) RTMP_CONCAT_INNER(a, b)

#define RTMP_TRY(expr)                        \
  do {                                        \
    auto rtmp_status_ = (expr);               \
    if (!rtmp_status_.ok()) {                 \
      return std::move(rtmp_status_).error(); \
    }                                         \
  } while (0)

#define RTMP_ASSIGN_IMPL(tmp, lhs, expr)        \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  lhs = std::move(tmp).value()

#define RTMP_ASSIGN(lhs, expr) RTMP_ASSIGN_IMPL(RTMP_CONCAT(rtmp_result_, __LINE__), lhs, expr)
