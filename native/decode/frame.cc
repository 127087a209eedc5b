#include "decode/frame.h"

namespace rtmp::decode {

std::string_view pixelFormatName(PixelFormat format) {
  switch (format) {
    case PixelFormat::kYuv420p:
      return "yuv420p";
    case PixelFormat::kNv12:
      return "nv12";
    case PixelFormat::kRgba:
      return "rgba";
    case PixelFormat::kBgra:
      return "bgra";
    case PixelFormat::kRgb24:
      return "rgb24";
    case PixelFormat::kGray:
      return "gray";
  }
  return "unknown";
}

std::string_view sampleFormatName(SampleFormat format) {
  switch (format) {
    case SampleFormat::kS16:
      return "s16";
    case SampleFormat::kF32:
      return "f32";
    case SampleFormat::kS16Planar:
      return "s16p";
    case SampleFormat::kF32Planar:
      return "f32p";
  }
  return "unknown";
}

bool isPlanar(SampleFormat format) {
  return format == SampleFormat::kS16Planar || format == SampleFormat::kF32Planar;
}

uint32_t bytesPerSample(SampleFormat format) {
  return format == SampleFormat::kS16 || format == SampleFormat::kS16Planar ? 2 : 4;
}

}  // namespace rtmp::decode
