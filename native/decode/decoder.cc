#include "decode/decoder.h"

#include <cstring>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

namespace rtmp::decode {
namespace {

std::string averr(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

}  // namespace

base::Result<std::unique_ptr<Decoder>> Decoder::open(const DecoderParams& params) {
  const AVCodecID id = avCodecIdOf(params.codec);
  const AVCodec* codec = id == AV_CODEC_ID_NONE ? nullptr : avcodec_find_decoder(id);
  if (codec == nullptr) {
    return base::Error(base::ErrorCode::kUnsupported,
                       "no decoder for " + std::string(media::codecName(params.codec)));
  }
  std::unique_ptr<Decoder> d(new Decoder(params));
  d->context_ = avcodec_alloc_context3(codec);
  d->packet_ = av_packet_alloc();
  d->frame_ = av_frame_alloc();
  if (d->context_ == nullptr || d->packet_ == nullptr || d->frame_ == nullptr) {
    return base::Error(base::ErrorCode::kInternal, "decoder: out of memory");
  }
  AVCodecContext* c = d->context_;
  if (!params.config.empty()) {
    c->extradata =
        static_cast<uint8_t*>(av_mallocz(params.config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (c->extradata == nullptr) return base::Error(base::ErrorCode::kInternal, "decoder: oom");
    std::memcpy(c->extradata, params.config.data(), params.config.size());
    c->extradata_size = static_cast<int>(params.config.size());
  }
  if (params.legacyAudio.sampleRate != 0) {
    c->sample_rate = static_cast<int>(params.legacyAudio.sampleRate);
    av_channel_layout_default(&c->ch_layout, static_cast<int>(params.legacyAudio.channels));
  }
  c->pkt_timebase = AVRational{1, 1000};
  c->time_base = AVRational{1, 1000};
  c->thread_count = params.threads > 0 ? params.threads : 1;
  // Frame threading adds a frame of delay per thread; slices do not.
  c->thread_type = FF_THREAD_SLICE;
  const int rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) {
    return base::Error(base::ErrorCode::kMedia,
                       std::string(media::codecName(params.codec)) + " decoder: " + averr(rc));
  }
  return d;
}

Decoder::~Decoder() {
  av_frame_free(&frame_);
  av_packet_free(&packet_);
  avcodec_free_context(&context_);
}

base::Status Decoder::send(std::span<const uint8_t> data, int64_t pts, int64_t dts, bool keyframe) {
  if (draining_) flush();
  padded_.resize(data.size() + AV_INPUT_BUFFER_PADDING_SIZE);
  if (!data.empty()) std::memcpy(padded_.data(), data.data(), data.size());
  std::memset(padded_.data() + data.size(), 0, AV_INPUT_BUFFER_PADDING_SIZE);
  av_packet_unref(packet_);
  packet_->data = padded_.data();
  packet_->size = static_cast<int>(data.size());
  packet_->pts = pts;
  packet_->dts = dts;
  packet_->flags = keyframe ? AV_PKT_FLAG_KEY : 0;
  int rc = avcodec_send_packet(context_, packet_);
  if (rc == AVERROR(EAGAIN)) {
    // Frames not taken yet: the caller takes them all after each send, so
    // this happens only if it did not; drop them to keep going.
    while (avcodec_receive_frame(context_, frame_) >= 0) av_frame_unref(frame_);
    rc = avcodec_send_packet(context_, packet_);
  }
  packet_->data = nullptr;
  packet_->size = 0;
  if (rc < 0) return base::Error(base::ErrorCode::kMedia, "decode: " + averr(rc));
  return {};
}

void Decoder::drain() {
  if (!draining_) {
    avcodec_send_packet(context_, nullptr);
    draining_ = true;
  }
}

const AVFrame* Decoder::receive() {
  av_frame_unref(frame_);
  const int rc = avcodec_receive_frame(context_, frame_);
  return rc >= 0 ? frame_ : nullptr;
}

void Decoder::flush() {
  av_frame_unref(frame_);
  avcodec_flush_buffers(context_);
  draining_ = false;
}

}  // namespace rtmp::decode
