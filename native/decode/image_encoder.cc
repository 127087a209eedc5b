#include "decode/image_encoder.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
}

namespace rtmp::decode {
namespace {

struct CodecContextFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

base::Error ffmpegError(const char* what, int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return base::Error(base::ErrorCode::kInternal, std::string(what) + ": " + text);
}

// Runs one picture through a still-image encoder and returns its one packet.
base::Result<std::vector<uint8_t>> encodeOne(AVCodecID id, AVPixelFormat format, const AVFrame& in,
                                             int qscale) {
  const AVCodec* codec = avcodec_find_encoder(id);
  if (codec == nullptr) {
    return base::Error(base::ErrorCode::kUnsupported,
                       std::string("FFmpeg has no ") + avcodec_get_name(id) + " encoder");
  }
  std::unique_ptr<AVCodecContext, CodecContextFree> ctx(avcodec_alloc_context3(codec));
  std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFree> frame(av_frame_clone(&in));
  if (!ctx || !packet || !frame) return base::Error(base::ErrorCode::kInternal, "out of memory");
  ctx->width = in.width;
  ctx->height = in.height;
  ctx->pix_fmt = format;
  ctx->time_base = AVRational{1, 1000};
  if (id == AV_CODEC_ID_MJPEG) {
    ctx->color_range = AVCOL_RANGE_JPEG;
    ctx->flags |= AV_CODEC_FLAG_QSCALE;
    ctx->global_quality = FF_QP2LAMBDA * qscale;
    frame->quality = ctx->global_quality;
  }
  frame->pts = 0;
  int rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc < 0) return ffmpegError("open image encoder", rc);
  rc = avcodec_send_frame(ctx.get(), frame.get());
  if (rc < 0) return ffmpegError("encode image", rc);
  rc = avcodec_send_frame(ctx.get(), nullptr);  // end: the packet comes out
  if (rc < 0) return ffmpegError("encode image", rc);
  rc = avcodec_receive_packet(ctx.get(), packet.get());
  if (rc < 0) return ffmpegError("encode image", rc);
  return std::vector<uint8_t>(packet->data, packet->data + packet->size);
}

// The RGBA plane as a frame that borrows the buffer (av_frame_clone copies a
// frame without buffer references into memory of its own).
void borrowRgba(const Frame& rgba, uint32_t width, uint32_t height, AVFrame* out) {
  out->format = AV_PIX_FMT_RGBA;
  out->width = static_cast<int>(width);
  out->height = static_cast<int>(height);
  out->data[0] = const_cast<uint8_t*>(rgba.plane(0));
  out->linesize[0] = static_cast<int>(rgba.planes[0].stride);
}

base::Result<std::vector<uint8_t>> toJpeg(const Frame& rgba, uint32_t width, uint32_t height,
                                          int quality) {
  std::unique_ptr<AVFrame, FrameFree> yuv(av_frame_alloc());
  if (!yuv) return base::Error(base::ErrorCode::kInternal, "out of memory");
  yuv->format = AV_PIX_FMT_YUV420P;
  yuv->width = static_cast<int>(width);
  yuv->height = static_cast<int>(height);
  int rc = av_frame_get_buffer(yuv.get(), 0);
  if (rc < 0) return ffmpegError("image buffer", rc);
  // Same size in and out: only the colour conversion; the source rectangle is
  // the even-sided top-left part of the picture (the crop described above).
  std::unique_ptr<SwsContext, SwsFree> sws(
      sws_getContext(yuv->width, yuv->height, AV_PIX_FMT_RGBA, yuv->width, yuv->height,
                     AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws) return base::Error(base::ErrorCode::kUnsupported, "cannot convert rgba to yuv420p");
  // Full range out (yuvj420p); RGB has no range of its own.
  const int* coefficients = sws_getCoefficients(SWS_CS_DEFAULT);
  sws_setColorspaceDetails(sws.get(), coefficients, 1, coefficients, 1, 0, 1 << 16, 1 << 16);
  const uint8_t* src[4] = {rgba.plane(0), nullptr, nullptr, nullptr};
  const int srcStride[4] = {static_cast<int>(rgba.planes[0].stride), 0, 0, 0};
  sws_scale(sws.get(), src, srcStride, 0, yuv->height, yuv->data, yuv->linesize);
  yuv->format = AV_PIX_FMT_YUVJ420P;  // the same layout, labelled full range
  yuv->color_range = AVCOL_RANGE_JPEG;
  return encodeOne(AV_CODEC_ID_MJPEG, AV_PIX_FMT_YUVJ420P, *yuv, jpegQscale(quality));
}

}  // namespace

std::string_view imageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kRgba:
      return "rgba";
  }
  return "unknown";
}

int jpegQscale(int quality) {
  const int q = std::clamp(quality, 1, 100);
  // 100 → 2, 1 → 31, rounded to the nearest step.
  return 2 + ((100 - q) * 29 + 49) / 99;
}

base::Result<Image> encodeImage(const Frame& rgba, const ImageOptions& options) {
  if (rgba.kind != FrameKind::kVideo || rgba.pixelFormat != PixelFormat::kRgba ||
      rgba.planeCount != 1 || rgba.width == 0 || rgba.height == 0) {
    return base::Error(base::ErrorCode::kInvalidArgument, "snapshot needs an rgba picture");
  }
  Image image;
  image.format = options.format;
  image.pts = rgba.pts;
  image.keyframe = rgba.keyframe;
  image.width = rgba.width;
  image.height = rgba.height;
  switch (options.format) {
    case ImageFormat::kRgba: {
      const size_t row = size_t{rgba.width} * 4;
      image.data.resize(row * rgba.height);
      for (uint32_t y = 0; y < rgba.height; ++y) {
        std::memcpy(image.data.data() + row * y, rgba.plane(0) + size_t{rgba.planes[0].stride} * y,
                    row);
      }
      return image;
    }
    case ImageFormat::kPng: {
      std::unique_ptr<AVFrame, FrameFree> in(av_frame_alloc());
      if (!in) return base::Error(base::ErrorCode::kInternal, "out of memory");
      borrowRgba(rgba, rgba.width, rgba.height, in.get());
      auto bytes = encodeOne(AV_CODEC_ID_PNG, AV_PIX_FMT_RGBA, *in, 0);
      if (!bytes.ok()) return std::move(bytes).error();
      image.data = std::move(bytes).value();
      return image;
    }
    case ImageFormat::kJpeg: {
      if (rgba.width < 2 || rgba.height < 2) {
        return base::Error(base::ErrorCode::kInvalidArgument, "jpeg needs at least 2x2 pixels");
      }
      image.width = rgba.width & ~1u;
      image.height = rgba.height & ~1u;
      auto bytes = toJpeg(rgba, image.width, image.height, options.quality);
      if (!bytes.ok()) return std::move(bytes).error();
      image.data = std::move(bytes).value();
      return image;
    }
  }
  return base::Error(base::ErrorCode::kInvalidArgument, "unknown image format");
}

}  // namespace rtmp::decode
