#include "decode/frame.h"

#include <cstring>

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

base::Result<std::shared_ptr<Frame>> copyFrame(const Frame& src,
                                               const std::shared_ptr<FrameAllocator>& allocator) {
  auto buffer = allocator->acquireFor(src.kind, src.byteLength);
  if (!buffer || buffer->size < src.byteLength) {
    if (buffer) allocator->release(*buffer);
    return base::Error(base::ErrorCode::kLimitExceeded, "no frame buffer");
  }
  auto frame = std::make_shared<Frame>();
  frame->buffer = FrameBufferLease(allocator, *buffer);
  if (src.byteLength > 0) std::memcpy(buffer->data, src.buffer.data(), src.byteLength);
  frame->kind = src.kind;
  frame->pts = src.pts;
  frame->dts = src.dts;
  frame->keyframe = src.keyframe;
  frame->width = src.width;
  frame->height = src.height;
  frame->pixelFormat = src.pixelFormat;
  frame->sampleRate = src.sampleRate;
  frame->channels = src.channels;
  frame->samples = src.samples;
  frame->sampleFormat = src.sampleFormat;
  frame->planes = src.planes;
  frame->planeCount = src.planeCount;
  frame->byteLength = src.byteLength;
  return frame;
}

bool isPlanar(SampleFormat format) {
  return format == SampleFormat::kS16Planar || format == SampleFormat::kF32Planar;
}

uint32_t bytesPerSample(SampleFormat format) {
  return format == SampleFormat::kS16 || format == SampleFormat::kS16Planar ? 2 : 4;
}

}  // namespace rtmp::decode
