// StreamDecoder: everything decoded for one stream, whatever the number of
// subscribers — one decoder per track, one converter per distinct output
// format, and the subscriptions. Subscribers asking for the same output share
// one conversion: it is written into the buffer of the first of them with
// room, those with the same allocator share that frame, and each other
// allocator (the binding gives every subscription its own JS pool) gets one
// copy of it (a memcpy: far cheaper than swscale, e.g. to rgba at 1080p). Its work is a serial
// queue run by the pool's workers (decoder_pool.h), one batch at a time; all decoder state below
// `private` is touched by the running worker only.
//
// Input: the stream's packets as shared, immutable MediaPackets (the tap keeps
// the engine's reference: no copy). The queue is bounded in packets and bytes;
// when it is full, video is dropped up to the next keyframe (later pictures
// could not decode without the dropped ones) and audio packet by packet, all
// counted. Sequence headers, the join snapshot and control steps are never
// dropped.
//
// Decoding rules:
// - A track starts, and restarts after an error, a drop or a new publisher, at
//   a keyframe: the first picture a subscriber sees is a clean one.
// - A decode error is reported to the subscribers once (ERR_RTMP_MEDIA; an
//   unsupported codec ERR_RTMP_UNSUPPORTED), then the track waits for the
//   next keyframe. A keyframe that decodes ends the episode.
// - A new sequence header that differs from the current one reopens the
//   decoder; the next frame of that kind of every subscription is marked
//   discontinuous, as is the first of each kind after a republish.
// - Video with no video subscriber (audio-only subscriptions) is not decoded.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "decode/audio_converter.h"
#include "decode/decoder.h"
#include "decode/hw_device.h"
#include "decode/subscription.h"
#include "decode/video_converter.h"
#include "media/media_packet.h"

namespace rtmp::decode {

class PoolCore;

struct InputLimits {
  size_t maxPackets = 512;
  size_t maxBytes = 16u << 20;
};

struct StreamDecoderStats {
  uint64_t packetsIn = 0;       // accepted into the input queue
  uint64_t packetsDropped = 0;  // refused by the input bound (video up to a keyframe)
  uint64_t bytesDropped = 0;
  uint64_t videoFrames = 0;  // decoded
  uint64_t audioFrames = 0;
  uint64_t hardwareFrames = 0;  // of videoFrames, decoded on the hardware device
  uint64_t decodeErrors = 0;
  uint64_t conversions = 0;  // converter runs (one per output group per frame someone took)
  uint64_t frameCopies = 0;  // converted frames copied for a subscriber with another allocator
  uint64_t waitedForKeyframe = 0;  // video packets skipped while waiting for a keyframe
  uint32_t width = 0;              // latest decoded picture
  uint32_t height = 0;
  size_t queuedPackets = 0;
  size_t subscriptions = 0;
  // Every step (packet, control) queued and run so far: equal when idle.
  uint64_t stepsQueued = 0;
  uint64_t stepsRun = 0;
  bool idle() const { return stepsRun == stepsQueued; }
};

class StreamDecoder : public std::enable_shared_from_this<StreamDecoder> {
 public:
  // `hw`: the pool's hardware device, null for software only (hw_device.h).
  StreamDecoder(std::shared_ptr<PoolCore> core, std::string name, InputLimits limits,
                int threadsPerDecoder, std::shared_ptr<HwDevice> hw = nullptr);
  ~StreamDecoder();
  StreamDecoder(const StreamDecoder&) = delete;
  StreamDecoder& operator=(const StreamDecoder&) = delete;

  const std::string& name() const { return name_; }

  // --- Any thread; never waits beyond a short lock ---
  // Live media. False if dropped (input bound, or closed).
  bool push(media::MediaPacketPtr packet);
  // The join snapshot (sequence headers, cached GOP): not subject to the
  // input bound, which the GOP cache's own bounds already cap.
  void pushSnapshot(media::MediaPacketPtr packet);
  // Publisher left: frames held for reordering come out, the tracks then
  // wait for a keyframe. Publisher back: the next frames are discontinuous.
  void publisherGone();
  void publisherBack();
  void addSubscription(std::shared_ptr<Subscription> subscription);
  void removeSubscription(uint64_t id);
  // Ends the stream: queued work is dropped, the decoders are freed on a
  // worker (or with the object, if the pool is stopped).
  void close();

  StreamDecoderStats stats() const;

  // --- Worker only (PoolCore) ---
  void runBatch();

 private:
  enum class Step : uint8_t { kPacket, kGone, kBack, kAdd, kRemove, kClose };
  struct Item {
    Step step = Step::kPacket;
    media::MediaPacketPtr packet;
    std::shared_ptr<Subscription> subscription;
    uint64_t id = 0;
  };
  struct Track {
    FrameKind kind = FrameKind::kVideo;
    std::unique_ptr<Decoder> decoder;
    media::Codec codec = media::Codec::kUnknown;
    std::vector<uint8_t> config;
    bool waitKey = true;
    bool inError = false;      // an error was reported; waiting for a clean keyframe
    bool unsupported = false;  // no decoder for this codec until a new header
  };
  struct Group {
    FrameKind kind = FrameKind::kVideo;
    VideoOutput video;
    AudioOutput audio;
    std::unique_ptr<VideoConverter> videoConverter;
    std::unique_ptr<AudioConverter> audioConverter;
    std::vector<std::shared_ptr<Subscription>> subscriptions;
  };

  void enqueueLocked(Item&& item);
  void enqueue(Item&& item);

  void handle(Item& item);
  void handlePacket(const media::MediaPacket& packet);
  void handleHeader(Track& track, const media::MediaPacket& packet);
  bool openTrack(Track& track, const media::MediaPacket& packet);
  void decodeOn(Track& track, const media::MediaPacket& packet);
  void takeFrames(Track& track);
  void deliver(FrameKind kind, const struct AVFrame& frame);
  void fail(Track& track, const base::Error& error);
  void drainAll();
  void add(std::shared_ptr<Subscription> subscription);
  void remove(uint64_t id);
  void closeNow();
  bool wantsKind(FrameKind kind) const;
  int64_t unwrap(uint32_t dts);

  const std::shared_ptr<PoolCore> core_;
  const std::string name_;
  const InputLimits limits_;
  const int threadsPerDecoder_;
  const std::shared_ptr<HwDevice> hw_;

  // Input queue and counters, under mutex_.
  mutable std::mutex mutex_;
  std::deque<Item> queue_;
  size_t queuedPackets_ = 0;
  size_t queuedBytes_ = 0;
  bool scheduled_ = false;  // on the ready list or running
  bool dropToKeyframe_ = false;
  bool closed_ = false;
  StreamDecoderStats counters_;

  // Worker state.
  Track video_;
  Track audio_;
  std::vector<Group> groups_;
  std::vector<Subscription*> accepting_;  // scratch for deliver()
  // Scratch for deliver(): the frame built for each allocator of the group.
  std::vector<std::pair<FrameAllocator*, FramePtr>> built_;
  bool haveTimestamp_ = false;
  uint32_t lastRawDts_ = 0;
  int64_t lastDts_ = 0;
  bool decodedAny_ = false;  // a frame came out since the stream decoder was made
  bool done_ = false;        // closeNow ran
};

}  // namespace rtmp::decode
