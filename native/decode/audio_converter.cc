#include "decode/audio_converter.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

namespace rtmp::decode {
namespace {

AVSampleFormat avFormatOf(SampleFormat format) {
  switch (format) {
    case SampleFormat::kS16:
      return AV_SAMPLE_FMT_S16;
    case SampleFormat::kF32:
      return AV_SAMPLE_FMT_FLT;
    case SampleFormat::kS16Planar:
      return AV_SAMPLE_FMT_S16P;
    case SampleFormat::kF32Planar:
      return AV_SAMPLE_FMT_FLTP;
  }
  return AV_SAMPLE_FMT_NONE;
}

}  // namespace

AudioConverter::~AudioConverter() {
  swr_free(&swr_);
}

base::Status AudioConverter::configure(const AVFrame& src) {
  const int channels = src.ch_layout.nb_channels;
  if (swr_ != nullptr && src.format == srcFormat_ && src.sample_rate == srcRate_ &&
      channels == srcChannels_) {
    return {};
  }
  if (channels <= 0 || src.sample_rate <= 0) {
    return base::Error(base::ErrorCode::kMedia, "audio frame without rate or channels");
  }
  swr_free(&swr_);
  dstRate_ = out_.sampleRate != 0 ? out_.sampleRate : static_cast<uint32_t>(src.sample_rate);
  dstChannels_ = out_.channels != 0 ? out_.channels : static_cast<uint32_t>(channels);
  if (dstChannels_ > kMaxAudioChannels) {
    return base::Error(base::ErrorCode::kUnsupported, "more than 8 audio channels");
  }
  AVChannelLayout dstLayout;
  av_channel_layout_default(&dstLayout, static_cast<int>(dstChannels_));
  AVChannelLayout srcLayout;
  if (src.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    av_channel_layout_default(&srcLayout, channels);
  } else {
    av_channel_layout_copy(&srcLayout, &src.ch_layout);
  }
  const int rc = swr_alloc_set_opts2(
      &swr_, &dstLayout, avFormatOf(out_.format), static_cast<int>(dstRate_), &srcLayout,
      static_cast<AVSampleFormat>(src.format), src.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&srcLayout);
  av_channel_layout_uninit(&dstLayout);
  if (rc < 0 || swr_init(swr_) < 0) {
    swr_free(&swr_);
    return base::Error(base::ErrorCode::kUnsupported, "cannot convert these audio samples");
  }
  srcFormat_ = src.format;
  srcRate_ = src.sample_rate;
  srcChannels_ = channels;
  return {};
}

base::Result<std::shared_ptr<Frame>> AudioConverter::convert(
    const AVFrame& src, const std::shared_ptr<FrameAllocator>& allocator) {
  RTMP_TRY(configure(src));
  const int maxSamples = swr_get_out_samples(swr_, src.nb_samples);
  if (maxSamples <= 0) return std::shared_ptr<Frame>();
  const bool planar = isPlanar(out_.format);
  const uint32_t sampleBytes = bytesPerSample(out_.format);
  const size_t planeBytes =
      size_t{sampleBytes} * static_cast<size_t>(maxSamples) * (planar ? 1 : dstChannels_);
  const uint32_t planes = planar ? dstChannels_ : 1;
  const size_t total = planeBytes * planes;

  auto buffer = allocator->acquireFor(FrameKind::kAudio, total);
  if (!buffer || buffer->size < total) {
    if (buffer) allocator->release(*buffer);
    return base::Error(base::ErrorCode::kLimitExceeded, "no frame buffer");
  }
  auto frame = std::make_shared<Frame>();
  frame->buffer = FrameBufferLease(allocator, *buffer);
  uint8_t* dst[kMaxPlanes] = {};
  for (uint32_t i = 0; i < planes; ++i) dst[i] = buffer->data + planeBytes * i;
  const int got = swr_convert(swr_, dst, maxSamples, const_cast<const uint8_t**>(src.extended_data),
                              src.nb_samples);
  if (got < 0) return base::Error(base::ErrorCode::kMedia, "audio conversion failed");
  if (got == 0) return std::shared_ptr<Frame>();

  // Planes keep their offsets (sized for maxSamples); each holds `got` samples.
  const uint32_t usedBytes = sampleBytes * static_cast<uint32_t>(got) * (planar ? 1 : dstChannels_);
  for (uint32_t i = 0; i < planes; ++i) frame->planes[i] = FramePlane{planeBytes * i, usedBytes, 1};
  frame->planeCount = planes;
  frame->byteLength = planeBytes * (planes - 1) + usedBytes;
  frame->kind = FrameKind::kAudio;
  frame->sampleRate = dstRate_;
  frame->channels = dstChannels_;
  frame->samples = static_cast<uint32_t>(got);
  frame->sampleFormat = out_.format;
  frame->pts = src.best_effort_timestamp != AV_NOPTS_VALUE ? src.best_effort_timestamp : src.pts;
  frame->dts = frame->pts;
  frame->keyframe = true;
  return frame;
}

}  // namespace rtmp::decode
