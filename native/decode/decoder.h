// Decoder: one libavcodec decoder for one track (the video or the audio of a
// stream). Opened from the sequence header's record, which FFmpeg takes as
// extradata as it is: avcC/hvcC/av1C (so access units stay length-prefixed,
// AVCC form, and are passed untouched), AudioSpecificConfig, OpusHead, FLAC
// STREAMINFO. Legacy FLV audio has no record; its rate and channels come from
// the tag (codec_map.h).
//
// Send one access unit, then take every frame it released. Timestamps are
// milliseconds (time base 1/1000) in and out. Runs on a decoder thread only.
//
// Hardware decode (hw_device.h): with a device the pool's HwDevice chose for
// this codec, libavcodec gets the device context and a get_format that asks
// for the device's pixel format; each decoded surface is copied to system
// memory (av_hwframe_transfer_data: NV12/P010 for most devices) before it is
// handed out, so the converters never see a hardware frame. When FFmpeg
// cannot set the hardware up for a stream (a profile the device lacks), it
// asks get_format again without that format and decodes in software.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/error.h"
#include "decode/codec_map.h"
#include "decode/hw_device.h"

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
  // The pool's hardware device; null or not wanted = software. Video only.
  std::shared_ptr<HwDevice> hw;
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
  // A hardware device was attached (the decoder may still have fallen back
  // to software for this stream's profile: see hardwareFrames()).
  bool hardwareAttached() const { return hwFormat_ >= 0; }
  // Frames that came out of the hardware so far.
  uint64_t hardwareFrames() const { return hardwareFrames_; }

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
  void attachHardware(const HwDecodeChoice& choice);

  DecoderParams params_;
  AVCodecContext* context_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVFrame* swFrame_ = nullptr;  // a hardware frame copied to system memory
  int hwFormat_ = -1;           // AVPixelFormat asked of get_format; -1 = software
  uint64_t hardwareFrames_ = 0;
  bool transferFailed_ = false;  // logged once per decoder
  // FFmpeg reads up to AV_INPUT_BUFFER_PADDING_SIZE past a packet's end; the
  // shared payload has no such padding, so each unit is copied here first
  // (compressed bytes: small next to a picture).
  std::vector<uint8_t> padded_;
  bool draining_ = false;
};

}  // namespace rtmp::decode
