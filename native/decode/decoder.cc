#include "decode/decoder.h"

#include <cstring>
#include <string>

#include "base/log.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/hwcontext.h>
#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
}

namespace rtmp::decode {
namespace {

std::string averr(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

// get_format with a hardware device: the device's format when FFmpeg offers
// it, else the first software format (FFmpeg drops the hardware format from
// the list and asks again when it cannot use it for this stream). The wanted
// format is reached through `opaque`, which points at Decoder::hwFormat_.
AVPixelFormat pickFormat(AVCodecContext* context, const AVPixelFormat* offered) {
  const int wanted = *static_cast<const int*>(context->opaque);
  for (const AVPixelFormat* f = offered; *f != AV_PIX_FMT_NONE; ++f) {
    if (*f == wanted) return *f;
  }
  for (const AVPixelFormat* f = offered; *f != AV_PIX_FMT_NONE; ++f) {
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(*f);
    if (desc != nullptr && (desc->flags & AV_PIX_FMT_FLAG_HWACCEL) == 0) return *f;
  }
  return AV_PIX_FMT_NONE;
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
  d->swFrame_ = av_frame_alloc();
  if (d->context_ == nullptr || d->packet_ == nullptr || d->frame_ == nullptr ||
      d->swFrame_ == nullptr) {
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
  if (params.hw && codec->type == AVMEDIA_TYPE_VIDEO) d->attachHardware(params.hw->choose(*codec));
  const int rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) {
    return base::Error(base::ErrorCode::kMedia,
                       std::string(media::codecName(params.codec)) + " decoder: " + averr(rc));
  }
  return d;
}

void Decoder::attachHardware(const HwDecodeChoice& choice) {
  if (!choice) return;
  context_->hw_device_ctx = av_buffer_ref(choice.device);
  if (context_->hw_device_ctx == nullptr) return;  // out of memory: software
  hwFormat_ = choice.pixelFormat;
  context_->opaque = &hwFormat_;
  context_->get_format = pickFormat;
}

Decoder::~Decoder() {
  av_frame_free(&swFrame_);
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
  for (;;) {
    av_frame_unref(frame_);
    if (avcodec_receive_frame(context_, frame_) < 0) return nullptr;
    if (frame_->format != hwFormat_ || hwFormat_ < 0) return frame_;
    // A surface in device memory: copied to system memory in the first
    // format the device offers, with the timestamps and flags.
    av_frame_unref(swFrame_);
    int rc = av_hwframe_transfer_data(swFrame_, frame_, 0);
    if (rc >= 0) rc = av_frame_copy_props(swFrame_, frame_);
    if (rc >= 0) {
      ++hardwareFrames_;
      return swFrame_;
    }
    // Lost (the next picture may still come through); said once.
    if (!transferFailed_) {
      transferFailed_ = true;
      base::log(base::LogLevel::kWarn, "decode", [&] {
        return "hwaccel: a decoded picture could not be copied from the device (" + averr(rc) +
               "); such pictures are dropped";
      });
    }
  }
}

void Decoder::flush() {
  av_frame_unref(frame_);
  av_frame_unref(swFrame_);
  avcodec_flush_buffers(context_);
  draining_ = false;
}

}  // namespace rtmp::decode
