// HwDevice: the `frames.hwaccel` option — one FFmpeg hardware device per
// decoder pool, shared by every video decoder of the pool, and never required.
//
//   "none"  software only (the default): no device is ever opened.
//   "auto"  the first device of kAutoOrder that this FFmpeg build has and that
//           opens; none opening is an ordinary case (a machine without a GPU):
//           software, one info line per pool.
//   a type  that device ("vaapi", "cuda", ...; `device` picks which one, e.g.
//           /dev/dri/renderD128 or a CUDA index). One that this build lacks or
//           that does not open: software, one warning per pool with FFmpeg's
//           error. A subscription never fails for it.
//
// The device is opened by the first video decoder that asks (on a decoder
// thread, under a lock; later askers wait for that one attempt), not when the
// pool starts: a pool that only decodes audio or no stream never probes a GPU.
//
// A codec whose FFmpeg decoder has no hardware configuration for the opened
// device type (AVCodecHWConfig with the device-context method) decodes in
// software; said once per codec per pool at info. FFmpeg wrapper decoders
// (h264_qsv, h264_cuvid, ...) are not used: only the built-in decoders'
// hwaccels, so `qsv` in FFmpeg 5.1 falls back for every codec.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

extern "C" {
struct AVBufferRef;
struct AVCodec;
}

namespace rtmp::decode {

struct HwAccelConfig {
  std::string type = "none";  // "none", "auto" or a device type name (kHwDeviceTypeNames)
  std::string device;         // empty: FFmpeg's default device of that type
  bool operator==(const HwAccelConfig&) const = default;
};

// Every device type name some FFmpeg release knows (av_hwdevice_get_type_name),
// whether or not this build has it: a config written for another machine
// stays valid here and falls back.
inline constexpr std::string_view kHwDeviceTypeNames[] = {
    "cuda",   "d3d11va", "d3d12va", "drm",   "dxva2",        "mediacodec",
    "opencl", "qsv",     "vaapi",   "vdpau", "videotoolbox", "vulkan",
};

// "auto" tries these, in this order (platform APIs first, then the GPU
// vendors'); types with no decode hwaccel in FFmpeg's built-in decoders
// (drm, opencl, qsv, mediacodec) are left out.
inline constexpr std::string_view kAutoOrder[] = {
    "videotoolbox", "d3d11va", "dxva2", "cuda", "vaapi", "vdpau", "vulkan",
};

// kInvalidArgument, with the accepted names, unless `type` is "none", "auto",
// a name of kHwDeviceTypeNames or one this FFmpeg build knows.
base::Status validate(const HwAccelConfig& config);

// The device types this FFmpeg build was compiled with (what `ffmpeg
// -hwaccels` lists), in FFmpeg's order.
std::vector<std::string> builtHwDeviceTypes();

// What a decoder of one codec gets: the device and the hardware pixel format
// its get_format asks for. Empty (device null) = software.
struct HwDecodeChoice {
  AVBufferRef* device = nullptr;  // borrowed: the decoder takes its own reference
  int pixelFormat = -1;           // AVPixelFormat (AV_PIX_FMT_NONE when empty)
  explicit operator bool() const { return device != nullptr; }
};

class HwDevice {
 public:
  explicit HwDevice(HwAccelConfig config);
  ~HwDevice();
  HwDevice(const HwDevice&) = delete;
  HwDevice& operator=(const HwDevice&) = delete;

  const HwAccelConfig& config() const { return config_; }
  bool wanted() const { return config_.type != "none"; }

  // Any decoder thread. Opens the device on the first call; see the top.
  HwDecodeChoice choose(const AVCodec& codec);

  // The type that opened ("vaapi", ...), empty when none did or none was
  // tried yet.
  std::string openedType() const;
  // Whether an open was attempted (tests: the fallback was taken, not skipped).
  bool tried() const;

 private:
  void openLocked();
  bool openType(std::string_view name, bool quiet);

  const HwAccelConfig config_;
  mutable std::mutex mutex_;
  bool tried_ = false;
  AVBufferRef* device_ = nullptr;
  int deviceType_ = 0;        // AVHWDeviceType of device_
  std::string openedType_;    // its name
  std::set<int> codecsTold_;  // AVCodecIDs whose software fallback was logged
  std::string failures_;      // "auto": why each type did not open, for the info line
};

}  // namespace rtmp::decode
