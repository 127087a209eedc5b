#include "base/error.h"

namespace rtmp::base {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
#define RTMP_X_NAME(name, str, msg) \
  case ErrorCode::name:             \
    return str;
    RTMP_ERROR_CODES(RTMP_X_NAME)
#undef RTMP_X_NAME
  }
  return "ERR_RTMP_INTERNAL";
}

std::string_view errorCodeMessage(ErrorCode code) {
  switch (code) {
#define RTMP_X_MSG(name, str, msg) \
  case ErrorCode::name:            \
    return msg;
    RTMP_ERROR_CODES(RTMP_X_MSG)
#undef RTMP_X_MSG
  }
  return "internal error";
}

std::string Error::toString() const {
  std::string out(errorCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace rtmp::base
