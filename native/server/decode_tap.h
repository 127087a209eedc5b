// DecodeTap: the stream tap of the decoder pool (frames to JS, issue 12). It
// lives on a loop like any tap and hands the stream's messages to the
// stream's StreamDecoder without copying them (the MediaPacket handle shares
// the SharedMedia's reference) and without waiting: the decoder's input queue
// is bounded and drops, counted, up to the next keyframe when it is full.
//
// onStart forwards the join snapshot — the sequence headers, then the cached
// GOP from its keyframe — so decoding starts on a clean picture; without a
// cached GOP the decoder waits for the next keyframe. Metadata is not needed.
// The tap never decodes and never closes the decoder: FrameService owns both
// ends and closes the decoder when the last subscriber leaves.
#pragma once

#include <memory>

#include "decode/stream_decoder.h"
#include "server/stream_tap.h"

namespace rtmp::server {

class DecodeTap : public StreamTap {
 public:
  explicit DecodeTap(std::shared_ptr<decode::StreamDecoder> decoder)
      : decoder_(std::move(decoder)) {}

  void onStart(const JoinSnapshot& snapshot) override;
  void onMedia(const SharedMediaRef& media) override;
  void onPublisherGone() override;
  void onPublisherBack() override;
  void onDetached() override {}

  // The packet inside `media`, sharing its reference count (no copy).
  static media::MediaPacketPtr packetOf(const SharedMediaRef& media);

 private:
  std::shared_ptr<decode::StreamDecoder> decoder_;
};

}  // namespace rtmp::server
