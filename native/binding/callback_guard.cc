#include "binding/callback_guard.h"

namespace rtmp::binding {

bool environmentStopping(napi_env env) {
  // napi_set_named_property checks "can call into JS" before anything else;
  // on a plain fresh object it cannot fail for any other reason.
  napi_value probe = nullptr;
  napi_value undefined = nullptr;
  if (napi_create_object(env, &probe) != napi_ok) return true;
  if (napi_get_undefined(env, &undefined) != napi_ok) return true;
  napi_status status = napi_set_named_property(env, probe, "probe", undefined);
  if (status == napi_ok) return false;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok) return true;
  return !pending;
}

void reportCallbackError(napi_env env, const Napi::Error& error) {
  if (environmentStopping(env)) return;
  napi_fatal_exception(env, error.Value());
}

}  // namespace rtmp::binding
