#include "binding/error_mapping.h"

namespace rtmp::binding {

namespace {

void setCode(Napi::Error& error, base::ErrorCode code) {
  error.Value().Set("code", std::string(base::errorCodeName(code)));
}

}  // namespace

Napi::Error toJsError(Napi::Env env, const base::Error& error) {
  Napi::Error js = Napi::Error::New(env, error.message());
  setCode(js, error.code());
  return js;
}

void throwContractError(Napi::Env env, const std::string& message) {
  Napi::Error js = Napi::TypeError::New(env, "rtmp-engine binding: " + message);
  setCode(js, base::ErrorCode::kInvalidArgument);
  throw js;
}

}  // namespace rtmp::binding
