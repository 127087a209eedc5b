// StreamTap: anything that consumes a live stream — an RTMP player, and later
// the HLS/DASH segmenter, the decoder pool for frames to JS, recorders and
// relay clients. A tap lives on one loop and is called only on that loop.
//
// Order of calls for one tap:
//   onStart(snapshot)                      once, when attached
//   onMedia(...)*                          live media after the snapshot
//   onPublisherGone() / onPublisherBack()  as the publisher leaves/returns
//   onDetached()                           last call; the tap may be destroyed after it
#pragma once

#include <memory>
#include <vector>

#include "server/engine_events.h"
#include "server/shared_media.h"

namespace rtmp::server {

// What a joiner needs to start: the latest metadata and sequence headers, then
// the cached GOP (starting at a keyframe), all already in the stream timeline.
struct JoinSnapshot {
  bool publishing = false;
  SharedMediaRef metadata;     // @setDataFrame/onMetaData, or null
  SharedMediaRef videoHeader;  // video sequence header, or null
  SharedMediaRef audioHeader;  // audio sequence header, or null
  std::vector<SharedMediaRef> gop;
  uint64_t lastSeq = 0;  // messages with seq <= lastSeq are in the snapshot
  CodecSummary codec;
};

class StreamTap {
 public:
  virtual ~StreamTap() = default;
  virtual void onStart(const JoinSnapshot& snapshot) = 0;
  virtual void onMedia(const SharedMediaRef& media) = 0;
  virtual void onPublisherGone() = 0;
  // A (re)publish began; metadata, sequence headers and media follow as
  // onMedia. No codec summary here: at this point the new publisher has sent
  // nothing yet, so it would always be empty; a tap learns codecs from the
  // sequence headers it receives (or JoinSnapshot::codec at start).
  virtual void onPublisherBack() = 0;
  virtual void onDetached() = 0;
  // True for an RTMP player: counted as a viewer in the stream's snapshot.
  // Segmenters, decoders, recorders and relay clients keep the default.
  virtual bool rtmpPlayer() const { return false; }
};

}  // namespace rtmp::server
