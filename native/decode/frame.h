// Frame: one decoded, converted video picture or block of audio samples, as a
// plain struct. Its planes lie in one buffer from the subscription's
// FrameAllocator (FrameBufferLease gives it back when the frame dies). Frames
// are immutable once built and shared (FramePtr) by every subscription that
// asked for the same output format with the same allocator (another
// allocator gets a copy: copyFrame).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/error.h"
#include "decode/frame_allocator.h"

namespace rtmp::decode {

enum class FrameKind : uint8_t { kVideo, kAudio };

enum class PixelFormat : uint8_t { kYuv420p, kNv12, kRgba, kBgra, kRgb24, kGray };
// s16 / f32, interleaved (one plane) or planar (one plane per channel).
enum class SampleFormat : uint8_t { kS16, kF32, kS16Planar, kF32Planar };

std::string_view pixelFormatName(PixelFormat format);    // "yuv420p", "nv12", ...
std::string_view sampleFormatName(SampleFormat format);  // "s16", "f32", "s16p", "f32p"
bool isPlanar(SampleFormat format);
uint32_t bytesPerSample(SampleFormat format);

inline constexpr size_t kMaxPlanes = 8;  // yuv420p has 3; planar audio one per channel (<= 8)

struct FramePlane {
  size_t offset = 0;    // into the buffer
  uint32_t stride = 0;  // bytes per row (video) or the plane's byte length (audio)
  uint32_t rows = 0;    // visible rows (video), 1 (audio)
};

struct Frame {
  FrameKind kind = FrameKind::kVideo;
  // Stream clock, milliseconds, 64-bit (the 32-bit RTMP timestamps unwrapped).
  int64_t pts = 0;
  int64_t dts = 0;
  bool keyframe = false;

  // Video
  uint32_t width = 0;
  uint32_t height = 0;
  PixelFormat pixelFormat = PixelFormat::kYuv420p;
  // Audio
  uint32_t sampleRate = 0;
  uint32_t channels = 0;
  uint32_t samples = 0;  // per channel
  SampleFormat sampleFormat = SampleFormat::kS16;

  std::array<FramePlane, kMaxPlanes> planes{};
  uint32_t planeCount = 0;
  size_t byteLength = 0;  // bytes used in the buffer (all planes)
  FrameBufferLease buffer;

  const uint8_t* plane(uint32_t i) const { return buffer.data() + planes[i].offset; }
};

using FramePtr = std::shared_ptr<const Frame>;

// A copy of `src` (every field, and its buffer's used bytes: one memcpy) in a
// buffer from `allocator`: how a subscriber whose buffers come from another
// pool gets a frame converted once for its group. kLimitExceeded when the
// allocator has no buffer.
base::Result<std::shared_ptr<Frame>> copyFrame(const Frame& src,
                                               const std::shared_ptr<FrameAllocator>& allocator);

// What a subscription hands out: the shared frame plus what is particular to
// this subscriber.
struct DeliveredFrame {
  FramePtr frame;
  uint64_t droppedBefore = 0;  // frames of this kind dropped for this subscriber since the last
  bool discontinuity = false;  // first frame after a republish or a format change
};

}  // namespace rtmp::decode
