// CodecTracker: the codec summary of a published stream, from its sequence
// headers (authoritative: what the decoder will see) and its onMetaData
// (fills what the bitstream does not say, such as bitrates or a frame rate
// without VUI timing).
#pragma once

#include "base/bytes.h"
#include "media/codec_info.h"
#include "media/media_packet.h"
#include "server/engine_events.h"

namespace rtmp::server {

class CodecTracker {
 public:
  // Returns true when the summary changed.
  bool onSequenceHeader(const media::MediaPacket& packet);
  bool onMetadata(const base::Bytes& onMetaDataPayload);
  // Coded frames: legacy audio (MP3, G.711...) has no sequence header.
  void onFrame(const media::MediaPacket& packet);

  const CodecSummary& summary() const { return summary_; }

  // True for an AMF0 data message whose first value is the string "onMetaData".
  static bool isOnMetaData(const base::Bytes& payload);

 private:
  void rebuild();
  media::CodecInfoTracker tracker_;
  CodecSummary fromMetadata_;
  CodecSummary summary_;
};

}  // namespace rtmp::server
