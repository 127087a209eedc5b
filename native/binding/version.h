#pragma once

namespace rtmp::binding {

// Engine version; kept equal to package.json "version" (checked by a Jest test).
inline constexpr const char* kEngineVersion = "0.1.0";
// Bumped when the contract in types/native.d.ts changes; the loader checks it.
inline constexpr int kBindingAbi = 11;

}  // namespace rtmp::binding
