{
  # The addon: every engine layer plus native/binding (the only N-API room).
  # Sources come from the folders via scripts/native-sources.js, the same
  # folders CMake globs. libuv and OpenSSL symbols resolve to Node's own at load
  # time (never link a second libuv into the .node).
  "targets": [
    {
      "target_name": "rtmp_engine",
      "sources": ["<!@(node scripts/native-sources.js)"],
      "include_dirs": [
        "native",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      # FFmpeg for native/decode/ (decoder pool), linked dynamically.
      "libraries": ["<!@(pkg-config --libs libavcodec libavutil libswscale libswresample)"],
      # SWALLOW_UNTHROWABLE: an N-API call refused because the environment is
      # stopping (worker terminate/exit) becomes a C++ exception the callback
      # drops (binding/callback_guard.h) instead of a process abort.
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++1y", "-std=gnu++14"],
      "cflags_cc": ["-std=c++20", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden",
                    "<!@(pkg-config --cflags libavcodec libavutil libswscale libswresample)"],
      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
            "MACOSX_DEPLOYMENT_TARGET": "11.0"
          }
        }]
      ]
    }
  ]
}
