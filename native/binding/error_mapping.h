// Engine errors become JS Errors with a stable `code` (the string column of
// base/error_codes.h), so the SDK and its users branch on codes, not messages.
#pragma once

#include <napi.h>

#include <string>

#include "base/error.h"

namespace rtmp::binding {

// A JS Error whose message is the engine's message and whose `code` is
// base::errorCodeName(error.code()), e.g. ERR_RTMP_ADDRESS_IN_USE.
Napi::Error toJsError(Napi::Env env, const base::Error& error);

// The SDK broke the binding's contract (wrong argument type, missing config
// key). JS validates user input, so this is a bug in lib/, not user error:
// throws a TypeError with code ERR_RTMP_INVALID_ARGUMENT.
[[noreturn]] void throwContractError(Napi::Env env, const std::string& message);

}  // namespace rtmp::binding
