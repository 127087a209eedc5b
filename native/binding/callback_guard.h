// Calls from native threads into JS (thread-safe function callbacks) can land
// while their environment is stopping: a worker being terminated, or a worker
// calling process.exit(). JS can no longer run then, every N-API call that
// could run JS answers napi_pending_exception with no exception pending, and
// node-addon-api would abort the whole process while building the Error for it
// (see NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS in binding.gyp). These helpers
// let a callback drop its batch quietly instead: the environment, and every
// subscription in it, is going away anyway.
#pragma once

#include <napi.h>

namespace rtmp::binding {

// JS thread. True when the environment can no longer run JS (it is stopping).
bool environmentStopping(napi_env env);

// JS thread, in a callback's catch block: a genuine error becomes an uncaught
// exception (as a throw from a listener would); one caused by the environment
// stopping is dropped.
void reportCallbackError(napi_env env, const Napi::Error& error);

}  // namespace rtmp::binding
