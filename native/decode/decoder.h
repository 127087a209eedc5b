// Decoder: one libavcodec decoder for one track (the video or the audio of a
// stream). Opened from the sequence header's record, which FFmpeg takes as
// extradata as it is: avcC/hvcC/av1C (so access units stay length-prefixed,
// AVCC form, and are passed untouched), AudioSpecificConfig, OpusHead, FLAC
// STREAMINFO. Legacy FLV audio has no record; its rate and channels come from
// the tag (codec_map.h).
//
// Send one access unit, then take every frame it released. Timestamps are
// milliseconds (time base 1/1000) in and out. Runs on a decoder thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/error.h"
#include "decode/codec_map.h"

extern "C" {
struct AVCodecContext;
struct AVFrame;
struct AVPacket;
}

namespace rtmp::decode {

struct DecoderParams {
  media::Codec codec = media::Codec::kUnknown;
  std::vector<uint8_t> config;  // sequence header record; empty when the codec has none
  LegacyAudioFormat legacyAudio;
  int threads = 1;  // libavcodec threads for this decoder (the pool gives parallelism)
};

class Decoder {
 public:
  // kUnsupported: no FFmpeg decoder for the codec (or none built in);
  // kMedia: FFmpeg refused the record.
  static base::Result<std::unique_ptr<Decoder>> open(const DecoderParams& params);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  const DecoderParams& params() const { return params_; }

  // One access unit (codec bytes). kMedia when FFmpeg rejects it. Frames
  // that it completes are taken with receive() until it returns null.
  base::Status send(std::span<const uint8_t> data, int64_t pts, int64_t dts, bool keyframe);
  // End of stream: the frames still held (reordering delay) come out.
  void drain();
  // The next decoded frame, valid until the next receive/send; null when none.
  const AVFrame* receive();
  // Forgets references and held frames (after an error or a new publisher).
  void flush();

 private:
  explicit Decoder(DecoderParams params) : params_(std::move(params)) {}

  DecoderParams params_;
  AVCodecContext* context_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  // FFmpeg reads up to AV_INPUT_BUFFER_PADDING_SIZE past a packet's end; the
  // shared payload has no such padding, so each unit is copied here first
  // (compressed bytes: small next to a picture).
  std::vector<uint8_t> padded_;
  bool draining_ = false;
};

}  // namespace rtmp::decode
