// The `hwaccel` option where no device can be used (this machine has no GPU):
// the option's names are checked, "auto" and explicit device types that do
// not open fall back to software without failing anything, each pool says so
// once at the right level, and the pictures are byte-identical to a software
// pool's. The hardware path itself (a device that opens) is not exercised
// here; "auto" tests skip themselves on a machine where a device does open.
// Decode tests are skipped when ffmpeg is not on PATH.
#include "decode/hw_device.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/log.h"
#include "decode/decoder_pool.h"
#include "decode_test_util.h"

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace rtmp::decode::testing {
namespace {

struct Line {
  base::LogLevel level;
  std::string message;
};

// Captures the engine's log lines (decoder threads log too: locked).
class LogCapture {
 public:
  LogCapture() {
    base::setLogSink(&LogCapture::sink, this);
    base::setLogLevel(base::LogLevel::kInfo);
  }
  ~LogCapture() { base::setLogSink(nullptr, nullptr); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Lines of `level` that contain `text`.
  size_t count(base::LogLevel level, const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::count_if(lines_.begin(), lines_.end(), [&](const Line& l) {
      return l.level == level && l.message.find(text) != std::string::npos;
    });
  }
  size_t count(base::LogLevel level) { return count(level, ""); }
  std::string all() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const Line& l : lines_) out += l.message + "\n";
    return out;
  }

 private:
  static void sink(const base::LogLine& line, void* self) {
    if (line.component != "decode") return;  // FFmpeg's own lines are not under test
    auto* capture = static_cast<LogCapture*>(self);
    std::lock_guard<std::mutex> lock(capture->mutex_);
    capture->lines_.push_back(Line{line.level, std::string(line.message)});
  }

  std::mutex mutex_;
  std::vector<Line> lines_;
};

const AVCodec& h264() {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_H264);
  EXPECT_NE(codec, nullptr);
  return *codec;
}

TEST(HwAccelOptionTest, NoneAutoAndEveryDeviceTypeNameAreAccepted) {
  EXPECT_TRUE(validate(HwAccelConfig{"none", ""}).ok());
  EXPECT_TRUE(validate(HwAccelConfig{"auto", ""}).ok());
  for (std::string_view name : kHwDeviceTypeNames) {
    EXPECT_TRUE(validate(HwAccelConfig{std::string(name), "/dev/dri/renderD128"}).ok()) << name;
  }
  EXPECT_EQ(HwAccelConfig{}.type, "none");  // software unless asked
}

TEST(HwAccelOptionTest, AnUnknownNameIsRefusedWithTheAcceptedOnes) {
  for (const char* bad : {"", "gpu", "VAAPI", "nvdec", "auto "}) {
    const base::Status s = validate(HwAccelConfig{bad, ""});
    ASSERT_FALSE(s.ok()) << "'" << bad << "'";
    EXPECT_EQ(s.error().code(), base::ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find("none, auto, cuda"), std::string::npos)
        << s.error().message();
  }
}

TEST(HwAccelOptionTest, EveryTypeThisFfmpegWasBuiltWithIsAKnownName) {
  const std::vector<std::string> built = builtHwDeviceTypes();
  std::string list;
  for (const std::string& name : built) {
    list += name + " ";
    EXPECT_NE(std::find(std::begin(kHwDeviceTypeNames), std::end(kHwDeviceTypeNames), name),
              std::end(kHwDeviceTypeNames))
        << name << " is missing from kHwDeviceTypeNames (and from lib/options/frames.ts)";
  }
  RecordProperty("built_hw_device_types", list);
}

TEST(HwDeviceTest, NoneNeverOpensADevice) {
  LogCapture logs;
  HwDevice device(HwAccelConfig{});
  EXPECT_FALSE(device.wanted());
  EXPECT_FALSE(device.choose(h264()));
  EXPECT_FALSE(device.tried());
  EXPECT_EQ(DecoderPool(poolOf(1)).hwDevice(), nullptr);
  EXPECT_EQ(logs.count(base::LogLevel::kInfo) + logs.count(base::LogLevel::kWarn), 0u);
}

TEST(HwDeviceTest, AnExplicitTypeThatDoesNotOpenFallsBackWithOneWarningAndFfmpegsError) {
  // A device path that exists nowhere: this fails on a machine with a GPU too.
  for (const char* type : {"vaapi", "cuda"}) {
    LogCapture logs;
    HwDevice device(HwAccelConfig{type, type == std::string("cuda") ? "99" : "/nonexistent/dri"});
    EXPECT_FALSE(device.choose(h264()));
    EXPECT_FALSE(device.choose(h264()));  // tried once, not on every decoder
    EXPECT_TRUE(device.tried());
    EXPECT_EQ(device.openedType(), "");
    EXPECT_EQ(logs.count(base::LogLevel::kWarn), 1u) << logs.all();
    EXPECT_EQ(logs.count(base::LogLevel::kWarn, std::string("hwaccel '") + type + "'"), 1u)
        << logs.all();
    // FFmpeg's reason in parentheses, then what happens instead.
    EXPECT_EQ(logs.count(base::LogLevel::kWarn, "did not open ("), 1u) << logs.all();
    EXPECT_EQ(logs.count(base::LogLevel::kWarn, "decoding in software"), 1u) << logs.all();
  }
}

TEST(HwDeviceTest, ATypeThisBuildLacksFallsBackWithOneWarning) {
  const auto built = builtHwDeviceTypes();
  if (std::find(built.begin(), built.end(), "videotoolbox") != built.end()) {
    GTEST_SKIP() << "this FFmpeg has videotoolbox (macOS)";
  }
  LogCapture logs;
  HwDevice device(HwAccelConfig{"videotoolbox", ""});
  EXPECT_FALSE(device.choose(h264()));
  EXPECT_FALSE(device.choose(h264()));
  EXPECT_EQ(logs.count(base::LogLevel::kWarn, "has no such device type"), 1u) << logs.all();
  EXPECT_EQ(logs.count(base::LogLevel::kWarn), 1u) << logs.all();
}

TEST(HwDeviceTest, AutoWithNoDeviceFallsBackWithOneInfoLineAndNoWarning) {
  LogCapture logs;
  HwDevice device(HwAccelConfig{"auto", ""});
  const HwDecodeChoice choice = device.choose(h264());
  if (!device.openedType().empty()) {
    GTEST_SKIP() << "a hardware device opened here (" << device.openedType() << ")";
  }
  EXPECT_FALSE(choice);
  EXPECT_FALSE(device.choose(h264()));
  EXPECT_TRUE(device.tried());
  EXPECT_EQ(logs.count(base::LogLevel::kInfo, "hwaccel auto: no hardware device opened"), 1u)
      << logs.all();
  EXPECT_EQ(logs.count(base::LogLevel::kWarn), 0u) << logs.all();
}

// Whole pools: the same H.264 stream decoded by a software pool and by pools
// whose hwaccel falls back gives the same pictures, and two streams of one
// pool open (and warn about) the device once.
class HwAccelDecodeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { flv_.make(2); }
  static void TearDownTestSuite() { flv_.remove(); }
  void SetUp() override {
    if (flv_.empty()) GTEST_SKIP() << "ffmpeg with libx264 not available";
    packets_ = readPackets(flv_.path());
    for (const auto& p : packets_) {
      if (isPicture(*p)) ++pictures_;
    }
    ASSERT_EQ(pictures_, 50u);
  }

  struct Decoded {
    std::vector<std::string> md5;  // per picture, in output order
    uint64_t hardwareFrames = 0;
    uint64_t decodeErrors = 0;
    std::vector<std::string> errors;
  };

  // Decodes the clip on `stream` to yuv420p and hashes every picture.
  Decoded decode(StreamDecoder& stream, uint64_t id) {
    SubscriptionOptions o;
    o.audio = false;
    o.maxVideoFrames = 100000;
    auto sink = std::make_shared<CountingSink>();
    auto sub = std::make_shared<Subscription>(id, o, std::make_shared<HeapAllocator>(), sink);
    stream.addSubscription(sub);
    for (const auto& p : packets_) EXPECT_TRUE(stream.push(p));
    stream.publisherGone();
    EXPECT_TRUE(waitUntil([&] {
      const auto s = stream.stats();
      return s.videoFrames >= pictures_ && s.idle();
    }));
    Decoded out;
    for (const DeliveredFrame& d : sub->take())
      out.md5.push_back(visibleMd5(*d.frame, {320, 160, 160}));
    out.hardwareFrames = stream.stats().hardwareFrames;
    out.decodeErrors = stream.stats().decodeErrors;
    out.errors = sink->errorCodes();
    return out;
  }

  static PoolConfig withHwaccel(const std::string& type, const std::string& device) {
    PoolConfig config = poolOf(2);
    config.hwaccel = HwAccelConfig{type, device};
    return config;
  }

  static inline SuiteFlv flv_;
  std::vector<media::MediaPacketPtr> packets_;
  uint64_t pictures_ = 0;
};

TEST_F(HwAccelDecodeTest, FallbackPoolsDecodeByteIdenticallyToSoftware) {
  std::vector<std::string> software;
  {
    DecoderPool pool(poolOf(2));
    software = decode(*pool.createStream("live/sw"), 1).md5;
  }
  ASSERT_EQ(software.size(), pictures_);

  for (const auto& [type, device] : std::vector<std::pair<std::string, std::string>>{
           {"auto", ""}, {"vaapi", "/nonexistent/dri"}, {"cuda", "99"}}) {
    SCOPED_TRACE(type);
    LogCapture logs;
    DecoderPool pool(withHwaccel(type, device));
    ASSERT_NE(pool.hwDevice(), nullptr);
    auto first = pool.createStream("live/a");
    auto second = pool.createStream("live/b");
    const Decoded a = decode(*first, 1);
    const Decoded b = decode(*second, 2);
    if (!pool.hwDevice()->openedType().empty()) {
      ASSERT_EQ(type, "auto") << "a device that cannot exist opened";
      GTEST_SKIP() << "a hardware device opened here (" << pool.hwDevice()->openedType() << ")";
    }
    EXPECT_TRUE(pool.hwDevice()->tried());
    EXPECT_EQ(a.md5, software);
    EXPECT_EQ(b.md5, software);
    EXPECT_EQ(a.hardwareFrames + b.hardwareFrames, 0u);
    EXPECT_EQ(a.decodeErrors + b.decodeErrors, 0u);
    EXPECT_TRUE(a.errors.empty());  // the subscriptions never heard of it
    EXPECT_TRUE(b.errors.empty());
    // Once per pool, not per stream.
    if (type == "auto") {
      EXPECT_EQ(logs.count(base::LogLevel::kInfo, "no hardware device opened"), 1u) << logs.all();
      EXPECT_EQ(logs.count(base::LogLevel::kWarn), 0u) << logs.all();
    } else {
      EXPECT_EQ(logs.count(base::LogLevel::kWarn, "did not open"), 1u) << logs.all();
    }
  }
}

}  // namespace
}  // namespace rtmp::decode::testing
