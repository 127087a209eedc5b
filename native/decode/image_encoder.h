// ImageEncoder: one converted picture (an RGBA Frame) → a still image, for
// snapshots. Runs on a decoder thread, like the decode that made the frame.
//
//   rgba Frame ─┬─ jpeg: swscale to full-range yuvj420p, libavcodec mjpeg
//               ├─ png:  libavcodec png straight from RGBA (alpha kept)
//               └─ rgba: the visible rows packed (stride = width × 4)
//
// Choices:
// - JPEG with 4:2:0 chroma needs even sides here: an odd width or height
//   loses its last column or row (a crop, not a rescale), so the image is
//   never blurred to gain one pixel.
// - JPEG is full range (yuvj420p, what every viewer assumes): the RGBA input
//   makes the range explicit, so there is no guessing about the source's.
// - quality 1-100 maps linearly onto mjpeg's qscale 31 (worst) … 2 (best).
//   Default 80 (qscale 8): about 1/10 the bytes of PNG for camera pictures.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "decode/frame.h"

namespace rtmp::decode {

enum class ImageFormat : uint8_t { kJpeg, kPng, kRgba };

std::string_view imageFormatName(ImageFormat format);  // "jpeg", "png", "rgba"

inline constexpr int kDefaultJpegQuality = 80;

struct ImageOptions {
  ImageFormat format = ImageFormat::kJpeg;
  int quality = kDefaultJpegQuality;  // 1-100, JPEG only
};

struct Image {
  ImageFormat format = ImageFormat::kJpeg;
  uint32_t width = 0;
  uint32_t height = 0;
  int64_t pts = 0;  // ms, stream clock
  bool keyframe = false;
  std::vector<uint8_t> data;
};

// The mjpeg qscale for a quality (clamped to 1-100).
int jpegQscale(int quality);

// kInvalidArgument for a frame that is not video RGBA; kUnsupported when
// FFmpeg lacks the encoder; kInternal when it fails.
base::Result<Image> encodeImage(const Frame& rgba, const ImageOptions& options);

}  // namespace rtmp::decode
