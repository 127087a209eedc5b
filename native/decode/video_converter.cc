#include "decode/video_converter.h"

#include <string>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace rtmp::decode {
namespace {

AVPixelFormat avFormatOf(PixelFormat format) {
  switch (format) {
    case PixelFormat::kYuv420p:
      return AV_PIX_FMT_YUV420P;
    case PixelFormat::kNv12:
      return AV_PIX_FMT_NV12;
    case PixelFormat::kRgba:
      return AV_PIX_FMT_RGBA;
    case PixelFormat::kBgra:
      return AV_PIX_FMT_BGRA;
    case PixelFormat::kRgb24:
      return AV_PIX_FMT_RGB24;
    case PixelFormat::kGray:
      return AV_PIX_FMT_GRAY8;
  }
  return AV_PIX_FMT_NONE;
}

uint32_t alignUp(uint32_t value, uint32_t align) {
  return (value + align - 1) / align * align;
}

// Rounds to the nearest even number, halves away from zero, like
// av_rescale(...) * 2 in FFmpeg's scale filter for "-2".
uint32_t evenScaled(uint64_t other, uint64_t srcThis, uint64_t srcOther) {
  const uint64_t half = (other * srcThis + srcOther) / (2 * srcOther);
  return static_cast<uint32_t>(half < 1 ? 1 : half) * 2;
}

}  // namespace

int defaultSwsFlags() {
  return SWS_BILINEAR;
}

void outputSize(const VideoOutput& out, uint32_t srcWidth, uint32_t srcHeight, uint32_t* width,
                uint32_t* height) {
  *width = out.width;
  *height = out.height;
  if (out.width == 0 && out.height == 0) {
    *width = srcWidth;
    *height = srcHeight;
  } else if (out.height == 0) {
    *height = evenScaled(out.width, srcHeight, srcWidth);
  } else if (out.width == 0) {
    *width = evenScaled(out.height, srcWidth, srcHeight);
  }
}

VideoConverter::~VideoConverter() {
  sws_freeContext(sws_);
}

base::Result<std::shared_ptr<Frame>> VideoConverter::convert(
    const AVFrame& src, const std::shared_ptr<FrameAllocator>& allocator) {
  const auto srcFormat = static_cast<AVPixelFormat>(src.format);
  const AVPixelFormat dstFormat = avFormatOf(out_.format);
  uint32_t width = 0;
  uint32_t height = 0;
  outputSize(out_, static_cast<uint32_t>(src.width), static_cast<uint32_t>(src.height), &width,
             &height);
  if (src.width <= 0 || src.height <= 0 || width > kMaxFrameSide || height > kMaxFrameSide) {
    return base::Error(base::ErrorCode::kLimitExceeded, "frame size out of range");
  }

  // Plane layout: rows padded to kStrideAlign, planes one after the other.
  int linesizes[4] = {};
  if (av_image_fill_linesizes(linesizes, dstFormat, static_cast<int>(width)) < 0) {
    return base::Error(base::ErrorCode::kInternal, "frame layout");
  }
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(dstFormat);
  auto frame = std::make_shared<Frame>();
  frame->kind = FrameKind::kVideo;
  size_t offset = 0;
  for (int i = 0; i < 4 && linesizes[i] > 0; ++i) {
    const bool chroma = (i == 1 || i == 2);
    const uint32_t shift = chroma ? desc->log2_chroma_h : 0;
    const uint32_t rows = (height + (1u << shift) - 1) >> shift;
    const uint32_t stride = alignUp(static_cast<uint32_t>(linesizes[i]), kStrideAlign);
    frame->planes[i] = FramePlane{offset, stride, rows};
    offset += size_t{stride} * rows;
    frame->planeCount = static_cast<uint32_t>(i + 1);
  }
  frame->byteLength = offset;

  auto buffer = allocator->acquireFor(FrameKind::kVideo, offset);
  if (!buffer || buffer->size < offset) {
    if (buffer) allocator->release(*buffer);
    return base::Error(base::ErrorCode::kLimitExceeded, "no frame buffer");
  }
  frame->buffer = FrameBufferLease(allocator, *buffer);

  uint8_t* dst[4] = {};
  int dstStrides[4] = {};
  for (uint32_t i = 0; i < frame->planeCount; ++i) {
    dst[i] = buffer->data + frame->planes[i].offset;
    dstStrides[i] = static_cast<int>(frame->planes[i].stride);
  }
  if (srcFormat == dstFormat && static_cast<uint32_t>(src.width) == width &&
      static_cast<uint32_t>(src.height) == height) {
    av_image_copy(dst, dstStrides, const_cast<const uint8_t**>(src.data), src.linesize, dstFormat,
                  src.width, src.height);
  } else {
    sws_ = sws_getCachedContext(sws_, src.width, src.height, srcFormat, static_cast<int>(width),
                                static_cast<int>(height), dstFormat, flags_, nullptr, nullptr,
                                nullptr);
    if (sws_ == nullptr) {
      return base::Error(base::ErrorCode::kUnsupported,
                         std::string("cannot convert ") + av_get_pix_fmt_name(srcFormat) + " to " +
                             std::string(pixelFormatName(out_.format)));
    }
    sws_scale(sws_, src.data, src.linesize, 0, src.height, dst, dstStrides);
  }

  frame->width = width;
  frame->height = height;
  frame->pixelFormat = out_.format;
  frame->pts = src.best_effort_timestamp != AV_NOPTS_VALUE ? src.best_effort_timestamp : src.pts;
  frame->dts = src.pkt_dts != AV_NOPTS_VALUE ? src.pkt_dts : frame->pts;
  frame->keyframe = src.key_frame != 0;
  return frame;
}

}  // namespace rtmp::decode
