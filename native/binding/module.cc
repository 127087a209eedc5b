// Module init: the addon's exports. Context-aware: all per-environment state
// lives in AddonData (instance data) and is torn down by Node's cleanup hook,
// so the addon loads in worker_threads and in several environments at once.
#include <napi.h>

#include "binding/addon_data.h"
#include "binding/engine_wrap.h"
#include "binding/version.h"

namespace rtmp::binding {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  AddonData::install(env);
  exports.Set("version", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::String::New(info.Env(), kEngineVersion);
              }));
  exports.Set("abiVersion", Napi::Number::New(env, kBindingAbi));
  Napi::Function engine = EngineWrap::define(env);
  AddonData::of(env)->engineConstructor = Napi::Persistent(engine);
  exports.Set("Engine", engine);
  return exports;
}

}  // namespace rtmp::binding

static Napi::Object initModule(Napi::Env env, Napi::Object exports) {
  return rtmp::binding::init(env, exports);
}

NODE_API_MODULE(rtmp_engine, initModule)
