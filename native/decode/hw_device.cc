#include "decode/hw_device.h"

#include <algorithm>

#include "base/log.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/hwcontext.h>
}

namespace rtmp::decode {
namespace {

constexpr std::string_view kComponent = "decode";

std::string averr(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

bool knownName(std::string_view type) {
  return std::find(std::begin(kHwDeviceTypeNames), std::end(kHwDeviceTypeNames), type) !=
         std::end(kHwDeviceTypeNames);
}

// The hardware pixel format `codec` decodes to on a device of `type` through
// a device context, or AV_PIX_FMT_NONE.
AVPixelFormat hwFormatFor(const AVCodec& codec, AVHWDeviceType type) {
  for (int i = 0;; ++i) {
    const AVCodecHWConfig* config = avcodec_get_hw_config(&codec, i);
    if (config == nullptr) return AV_PIX_FMT_NONE;
    if (config->device_type == type &&
        (config->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) != 0) {
      return config->pix_fmt;
    }
  }
}

// av_hwdevice_find_type_by_name knows every name of the release, built or
// not; only the iteration lists the types this build has.
bool builtIn(AVHWDeviceType type) {
  for (AVHWDeviceType t = av_hwdevice_iterate_types(AV_HWDEVICE_TYPE_NONE);
       t != AV_HWDEVICE_TYPE_NONE; t = av_hwdevice_iterate_types(t)) {
    if (t == type) return true;
  }
  return false;
}

}  // namespace

base::Status validate(const HwAccelConfig& config) {
  const std::string& t = config.type;
  if (t == "none" || t == "auto" || knownName(t)) return {};
  if (!t.empty() && av_hwdevice_find_type_by_name(t.c_str()) != AV_HWDEVICE_TYPE_NONE) return {};
  std::string names = "none, auto";
  for (std::string_view n : kHwDeviceTypeNames) names += ", " + std::string(n);
  return base::Error(base::ErrorCode::kInvalidArgument,
                     "hwaccel '" + t + "' is not a device type FFmpeg knows (" + names + ")");
}

std::vector<std::string> builtHwDeviceTypes() {
  std::vector<std::string> out;
  for (AVHWDeviceType t = av_hwdevice_iterate_types(AV_HWDEVICE_TYPE_NONE);
       t != AV_HWDEVICE_TYPE_NONE; t = av_hwdevice_iterate_types(t)) {
    out.emplace_back(av_hwdevice_get_type_name(t));
  }
  return out;
}

HwDevice::HwDevice(HwAccelConfig config) : config_(std::move(config)) {}

HwDevice::~HwDevice() {
  av_buffer_unref(&device_);
}

std::string HwDevice::openedType() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return openedType_;
}

bool HwDevice::tried() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tried_;
}

HwDecodeChoice HwDevice::choose(const AVCodec& codec) {
  if (!wanted()) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  if (!tried_) openLocked();
  if (device_ == nullptr) return {};
  const AVPixelFormat format = hwFormatFor(codec, static_cast<AVHWDeviceType>(deviceType_));
  if (format == AV_PIX_FMT_NONE) {
    if (codecsTold_.insert(codec.id).second) {
      base::log(base::LogLevel::kInfo, kComponent, [&] {
        return std::string("hwaccel: FFmpeg's ") + codec.name + " decoder has no " + openedType_ +
               " hardware path; " + codec.name + " decodes in software";
      });
    }
    return {};
  }
  return HwDecodeChoice{device_, format};
}

// Under mutex_, once.
void HwDevice::openLocked() {
  tried_ = true;
  if (config_.type != "auto") {
    openType(config_.type, false);
    return;
  }
  for (std::string_view name : kAutoOrder) {
    if (openType(name, true)) return;
  }
  base::log(base::LogLevel::kInfo, kComponent, [&] {
    return "hwaccel auto: no hardware device opened (" +
           (failures_.empty() ? std::string("none built in") : failures_) +
           "); decoding in software";
  });
}

// Under mutex_. `quiet` ("auto"): a type this build lacks is skipped and a
// failure only noted for the summary line; otherwise both are warnings.
bool HwDevice::openType(std::string_view name, bool quiet) {
  const std::string type(name);
  const AVHWDeviceType t = av_hwdevice_find_type_by_name(type.c_str());
  if (t == AV_HWDEVICE_TYPE_NONE || !builtIn(t)) {
    if (!quiet) {
      base::log(base::LogLevel::kWarn, kComponent, [&] {
        return "hwaccel '" + type + "': this FFmpeg build has no such device type; decoding in " +
               "software";
      });
    }
    return false;
  }
  const char* device = config_.device.empty() ? nullptr : config_.device.c_str();
  AVBufferRef* ref = nullptr;
  const int rc = av_hwdevice_ctx_create(&ref, t, device, nullptr, 0);
  if (rc < 0) {
    if (quiet) {
      if (!failures_.empty()) failures_ += ", ";
      failures_ += type + ": " + averr(rc);
    } else {
      base::log(base::LogLevel::kWarn, kComponent, [&] {
        return "hwaccel '" + type + "'" +
               (config_.device.empty() ? std::string() : " device '" + config_.device + "'") +
               " did not open (" + averr(rc) + "); decoding in software";
      });
    }
    return false;
  }
  device_ = ref;
  deviceType_ = static_cast<int>(t);
  openedType_ = type;
  base::log(base::LogLevel::kInfo, kComponent, [&] {
    return "hwaccel: decoding on " + type +
           (config_.device.empty() ? std::string() : " (" + config_.device + ")");
  });
  return true;
}

}  // namespace rtmp::decode
