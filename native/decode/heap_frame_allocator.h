// HeapFrameAllocator: frames in plain heap memory, for consumers inside the
// engine (snapshots) whose frames never cross into JS. Buffers start on a
// kStrideAlign boundary so swscale's SIMD paths apply.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "decode/frame_allocator.h"
#include "decode/video_converter.h"

namespace rtmp::decode {

class HeapFrameAllocator : public FrameAllocator {
 public:
  std::optional<FrameBuffer> acquire(size_t bytes) override {
    const size_t rounded =
        (std::max<size_t>(bytes, 1) + kStrideAlign - 1) / kStrideAlign * kStrideAlign;
    auto* data = static_cast<uint8_t*>(std::aligned_alloc(kStrideAlign, rounded));
    if (data == nullptr) return std::nullopt;
    return FrameBuffer{data, bytes, 0};
  }
  void release(const FrameBuffer& buffer) override { std::free(buffer.data); }
};

}  // namespace rtmp::decode
