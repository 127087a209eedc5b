// encodeImage: an RGBA picture of four solid quadrants (red, green, blue,
// white; rows padded like the converter pads them) is encoded as JPEG, PNG
// and packed RGBA, then decoded back with libavcodec's own mjpeg/png
// decoders: the sizes are the ones promised (JPEG sides even, by cropping),
// PNG and RGBA are lossless, and JPEG keeps each quadrant's colour within a
// few levels. Quality maps onto qscale monotonically and changes the size.
#include "decode/image_encoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "decode/heap_frame_allocator.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace rtmp::decode {
namespace {

struct Rgb {
  uint8_t r, g, b;
};
constexpr Rgb kQuadrants[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};

Rgb expectedAt(uint32_t x, uint32_t y, uint32_t width, uint32_t height) {
  return kQuadrants[(y >= height / 2 ? 2 : 0) + (x >= width / 2 ? 1 : 0)];
}

// An rgba Frame like VideoConverter makes: rows padded to kStrideAlign.
std::shared_ptr<Frame> quadrants(uint32_t width, uint32_t height) {
  auto frame = std::make_shared<Frame>();
  frame->kind = FrameKind::kVideo;
  frame->pixelFormat = PixelFormat::kRgba;
  frame->width = width;
  frame->height = height;
  frame->pts = 1234;
  frame->keyframe = true;
  const uint32_t stride = (width * 4 + kStrideAlign - 1) / kStrideAlign * kStrideAlign;
  frame->planes[0] = FramePlane{0, stride, height};
  frame->planeCount = 1;
  frame->byteLength = size_t{stride} * height;
  auto allocator = std::make_shared<HeapFrameAllocator>();
  auto buffer = allocator->acquire(frame->byteLength);
  EXPECT_TRUE(buffer.has_value());
  std::memset(buffer->data, 0xEE, frame->byteLength);  // padding that must not leak out
  for (uint32_t y = 0; y < height; ++y) {
    for (uint32_t x = 0; x < width; ++x) {
      const Rgb c = expectedAt(x, y, width, height);
      uint8_t* p = buffer->data + size_t{stride} * y + x * 4;
      p[0] = c.r;
      p[1] = c.g;
      p[2] = c.b;
      p[3] = static_cast<uint8_t>(x);  // alpha varies: PNG must keep it
    }
  }
  frame->buffer = FrameBufferLease(allocator, *buffer);
  return frame;
}

struct Decoded {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;  // packed
};

// Decodes one image with libavcodec and converts it to packed RGBA.
Decoded decodeBack(AVCodecID id, const std::vector<uint8_t>& bytes) {
  Decoded out;
  const AVCodec* codec = avcodec_find_decoder(id);
  EXPECT_NE(codec, nullptr);
  if (codec == nullptr) return out;
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  EXPECT_EQ(avcodec_open2(ctx, codec, nullptr), 0);
  std::vector<uint8_t> padded(bytes);
  padded.resize(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
  AVPacket* packet = av_packet_alloc();
  packet->data = padded.data();
  packet->size = static_cast<int>(bytes.size());
  AVFrame* frame = av_frame_alloc();
  EXPECT_EQ(avcodec_send_packet(ctx, packet), 0);
  avcodec_send_packet(ctx, nullptr);
  if (avcodec_receive_frame(ctx, frame) == 0) {
    out.width = frame->width;
    out.height = frame->height;
    out.rgba.resize(size_t{4} * out.width * out.height);
    SwsContext* sws = sws_getContext(
        frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), frame->width,
        frame->height, AV_PIX_FMT_RGBA, SWS_BILINEAR, nullptr, nullptr, nullptr);
    uint8_t* dst[4] = {out.rgba.data(), nullptr, nullptr, nullptr};
    int dstStride[4] = {4 * frame->width, 0, 0, 0};
    sws_scale(sws, frame->data, frame->linesize, 0, frame->height, dst, dstStride);
    sws_freeContext(sws);
  } else {
    ADD_FAILURE() << "the image did not decode";
  }
  av_frame_free(&frame);
  av_packet_free(&packet);
  avcodec_free_context(&ctx);
  return out;
}

TEST(ImageEncoderTest, RgbaIsThePackedVisibleRows) {
  auto frame = quadrants(37, 20);
  auto image = encodeImage(*frame, ImageOptions{ImageFormat::kRgba, 80});
  ASSERT_TRUE(image.ok()) << image.error().toString();
  EXPECT_EQ(image->width, 37u);
  EXPECT_EQ(image->height, 20u);
  EXPECT_EQ(image->pts, 1234);
  EXPECT_TRUE(image->keyframe);
  ASSERT_EQ(image->data.size(), size_t{37} * 20 * 4);
  for (uint32_t y = 0; y < 20; ++y) {
    EXPECT_EQ(std::memcmp(image->data.data() + size_t{37} * 4 * y,
                          frame->plane(0) + size_t{frame->planes[0].stride} * y, 37 * 4),
              0)
        << "row " << y;
  }
}

TEST(ImageEncoderTest, PngDecodesBackLosslessWithAlpha) {
  auto frame = quadrants(64, 48);
  auto image = encodeImage(*frame, ImageOptions{ImageFormat::kPng, 80});
  ASSERT_TRUE(image.ok()) << image.error().toString();
  ASSERT_GE(image->data.size(), 8u);
  EXPECT_EQ(std::memcmp(image->data.data(), "\x89PNG\r\n\x1a\n", 8), 0);
  Decoded back = decodeBack(AV_CODEC_ID_PNG, image->data);
  ASSERT_EQ(back.width, 64);
  ASSERT_EQ(back.height, 48);
  for (uint32_t y = 0; y < 48; ++y) {
    ASSERT_EQ(std::memcmp(back.rgba.data() + size_t{64} * 4 * y,
                          frame->plane(0) + size_t{frame->planes[0].stride} * y, 64 * 4),
              0)
        << "row " << y;
  }
}

TEST(ImageEncoderTest, JpegDecodesBackWithTheQuadrantColours) {
  auto frame = quadrants(64, 48);
  auto image = encodeImage(*frame, ImageOptions{ImageFormat::kJpeg, 90});
  ASSERT_TRUE(image.ok()) << image.error().toString();
  ASSERT_GE(image->data.size(), 4u);
  EXPECT_EQ(image->data[0], 0xFF);  // SOI marker FF D8
  EXPECT_EQ(image->data[1], 0xD8);
  Decoded back = decodeBack(AV_CODEC_ID_MJPEG, image->data);
  ASSERT_EQ(back.width, 64);
  ASSERT_EQ(back.height, 48);
  // The middle of each quadrant, away from the edges JPEG blurs.
  for (uint32_t y : {12u, 36u}) {
    for (uint32_t x : {16u, 48u}) {
      const Rgb want = expectedAt(x, y, 64, 48);
      const uint8_t* got = back.rgba.data() + (size_t{y} * 64 + x) * 4;
      EXPECT_NEAR(got[0], want.r, 12) << x << "," << y;
      EXPECT_NEAR(got[1], want.g, 12) << x << "," << y;
      EXPECT_NEAR(got[2], want.b, 12) << x << "," << y;
    }
  }
}

TEST(ImageEncoderTest, JpegCropsOddSidesToEven) {
  auto frame = quadrants(65, 49);
  auto image = encodeImage(*frame, ImageOptions{ImageFormat::kJpeg, 80});
  ASSERT_TRUE(image.ok()) << image.error().toString();
  EXPECT_EQ(image->width, 64u);
  EXPECT_EQ(image->height, 48u);
  Decoded back = decodeBack(AV_CODEC_ID_MJPEG, image->data);
  EXPECT_EQ(back.width, 64);
  EXPECT_EQ(back.height, 48);
}

TEST(ImageEncoderTest, QualityMapsOntoQscaleAndSize) {
  EXPECT_EQ(jpegQscale(100), 2);
  EXPECT_EQ(jpegQscale(1), 31);
  EXPECT_EQ(jpegQscale(80), 8);
  EXPECT_EQ(jpegQscale(500), 2);  // clamped
  for (int q = 1; q < 100; ++q) EXPECT_GE(jpegQscale(q), jpegQscale(q + 1)) << q;

  // A busy picture, so the quantiser matters.
  auto frame = quadrants(64, 64);
  uint8_t* p = const_cast<uint8_t*>(frame->plane(0));
  for (uint32_t y = 0; y < 64; ++y) {
    for (uint32_t x = 0; x < 64 * 4; ++x) {
      p[size_t{frame->planes[0].stride} * y + x] = static_cast<uint8_t>((x * 7 + y * 13) ^ (x * y));
    }
  }
  auto best = encodeImage(*frame, ImageOptions{ImageFormat::kJpeg, 100});
  auto worst = encodeImage(*frame, ImageOptions{ImageFormat::kJpeg, 1});
  ASSERT_TRUE(best.ok() && worst.ok());
  EXPECT_GT(best->data.size(), worst->data.size());
}

TEST(ImageEncoderTest, RefusesWhatIsNotAnRgbaPicture) {
  auto frame = quadrants(16, 16);
  frame->pixelFormat = PixelFormat::kGray;
  auto image = encodeImage(*frame, ImageOptions{});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code(), base::ErrorCode::kInvalidArgument);

  auto tiny = quadrants(1, 1);
  auto jpeg = encodeImage(*tiny, ImageOptions{ImageFormat::kJpeg, 80});
  ASSERT_FALSE(jpeg.ok());
  EXPECT_EQ(jpeg.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(encodeImage(*tiny, ImageOptions{ImageFormat::kPng, 80}).ok());
}

}  // namespace
}  // namespace rtmp::decode
