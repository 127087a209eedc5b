// The C++ defaults of EngineConfig (what native tests run on) must equal the
// TypeScript defaults (what production runs on). This test writes EngineConfig{}
// as the flat object lib/native-config.ts builds, under the same keys
// (NativeEngineConfig in types/native.d.ts), and compares it with the checked-in
// engine_config_defaults.json; test/config-defaults.test.ts compares that same
// file with toNativeConfig(resolveOptions({})). A default changed on one side
// only fails one of the two. After a deliberate change on both sides:
//   UPDATE_CONFIG_DEFAULTS=1 ctest -R EngineConfigDefaults   (rewrites the file)
//
// Every field must be written: the static_asserts count the fields of each
// struct, so adding one fails to compile until it is written below (and then
// the JSON test fails until lib/native-config.ts sends it).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "server/engine_config.h"

namespace rtmp::server {
namespace {

// Converts to any member type: T{AnyField{}, ...} compiles for as many
// initializers as an aggregate T has fields (nested structs count as one).
struct AnyField {
  template <class T>
  operator T() const;  // never defined: only used in unevaluated context
};

template <class T, class... Fields>
constexpr size_t fieldCount() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; }) {
    return fieldCount<T, Fields..., AnyField>();
  } else {
    return sizeof...(Fields);
  }
}

constexpr const char* kAddFieldHint =
    "a field was added or removed: write it in flatDefaults() (the key lib/native-config.ts "
    "sends) or in engineOnly(), and update config_reader.cc";
static_assert(fieldCount<EngineConfig>() == 47, "EngineConfig changed");
static_assert(fieldCount<HlsOptions>() == 6, "HlsOptions changed");
static_assert(fieldCount<StreamOptions>() == 4, "StreamOptions changed");
static_assert(fieldCount<GopCacheLimits>() == 3, "GopCacheLimits changed");
static_assert(fieldCount<AuthFailureLimiterConfig>() == 5, "AuthFailureLimiterConfig changed");

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string str(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
std::string num(uint64_t n) {
  return std::to_string(n);
}
std::string boolean(bool b) {
  return b ? "true" : "false";
}
std::string hlsFormatName(HlsFormat f) {
  return str(f == HlsFormat::kTs ? "ts" : "fmp4");
}
std::string strings(const std::vector<std::string>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + str(list[i]);
  return out + "]";
}
std::string modeName(TimestampMode m) {
  switch (m) {
    case TimestampMode::kOff:
      return str("off");
    case TimestampMode::kMonotonic:
      return str("monotonic");
    case TimestampMode::kRebase:
      return str("rebase");
  }
  return str("?");
}

// EngineConfig under the keys of NativeEngineConfig (config_reader.cc reads
// each key into the field written here).
Fields flatDefaults(const EngineConfig& c) {
  const StreamOptions& s = c.streams;
  const AuthFailureLimiterConfig& a = c.authFailures;
  return {
      {"host", str(c.host)},
      {"port", num(c.port)},
      {"ioThreads", num(c.ioThreads)},
      {"rtmps", boolean(c.rtmps)},
      {"rtmpsHost", str(c.rtmpsHost)},
      {"rtmpsPort", num(c.rtmpsPort)},
      {"tlsCertFile", str(c.tlsCertFile)},
      {"tlsKeyFile", str(c.tlsKeyFile)},
      {"tlsCiphers", str(c.tlsCiphers)},
      {"tlsCipherSuites", str(c.tlsCipherSuites)},
      {"handshakeTimeoutMs", num(c.handshakeTimeoutMs)},
      {"idleTimeoutMs", num(c.idleTimeoutMs)},
      {"maxMessageSize", num(c.maxMessageSize)},
      {"windowAckSize", num(c.windowAckSize)},
      {"peerBandwidth", num(c.peerBandwidth)},
      {"amfMaxDepth", num(c.amfMaxDepth)},
      {"amfMaxString", num(c.amfMaxString)},
      {"gopCache", boolean(s.gopCache)},
      {"gopCacheMaxMs", num(s.gopLimits.maxMs)},
      {"gopCacheMaxBytes", num(s.gopLimits.maxBytes)},
      {"gopCacheMaxFrames", num(s.gopLimits.maxFrames)},
      {"timestampMode", modeName(s.timestampMode)},
      {"outChunkSize", num(s.outChunkSize)},
      {"waitForPublisher", boolean(c.waitForPublisher)},
      {"playWaitMs", num(c.playWaitMs)},
      {"playerQueueMs", num(c.playerQueueMs)},
      {"playerQueueMaxBytes", num(c.playerQueueMaxBytes)},
      {"mergeWritesMs", num(c.mergeWritesMs)},
      {"maxConnections", num(c.maxConnections)},
      {"maxConnectionsPerIp", num(c.maxConnectionsPerIp)},
      {"maxPublishers", num(c.maxPublishers)},
      {"maxPlayersPerStream", num(c.maxPlayersPerStream)},
      {"maxIngestKbps", num(c.maxIngestKbps)},
      {"dropOverIngestLimit", boolean(c.dropOverIngestLimit)},
      {"authHook", boolean(c.authHook)},
      {"authTimeoutMs", num(c.authTimeoutMs)},
      {"authTimeoutAllows", boolean(c.authTimeoutAllows)},
      {"authFailLimit", num(static_cast<uint64_t>(a.maxFailures))},
      {"authFailWindowMs", num(static_cast<uint64_t>(a.windowMs))},
      {"authBanMs", num(static_cast<uint64_t>(a.banMs))},
      {"authBanExemptCidrs", strings(a.exemptCidrs)},
      {"ipRules", c.ipRules.empty() ? "[]" : "\"not empty\""},
      {"ipDefaultAllow", boolean(c.ipDefaultAllow)},
      {"maxPartialMessageBytes", num(c.maxPartialMessageBytes)},
      {"connectTimeoutMs", num(c.connectTimeoutMs)},
      {"playPublishTimeoutMs", num(c.playPublishTimeoutMs)},
      {"writeTimeoutMs", num(c.writeTimeoutMs)},
      {"maxPendingConnections", num(c.maxPendingConnections)},
      {"maxPendingPerIp", num(c.maxPendingPerIp)},
      {"maxPendingOutputBytes", num(c.maxPendingOutputBytes)},
      {"maxMetadataBytes", num(c.maxMetadataBytes)},
      {"hlsEnabled", boolean(c.hls.enabled)},
      {"hlsApps", strings(c.hls.apps)},
      {"hlsFormat", hlsFormatName(c.hls.format)},
      {"hlsSegmentDurationMs", num(c.hls.segmentDurationMs)},
      {"hlsPartDurationMs", num(c.hls.partDurationMs)},
      {"hlsMaxSegmentBytes", num(c.hls.maxSegmentBytes)},
      {"decoderThreads", num(c.decoderThreads)},
      {"hwaccel", str(c.hwaccel)},
      {"hwaccelDevice", str(c.hwaccelDevice)},
  };
}

// Engine-internal bounds the SDK does not send (no user option sets them).
Fields engineOnly(const EngineConfig& c) {
  return {{"authFailures.maxTrackedIps", num(c.authFailures.maxTrackedIps)}};
}

std::string object(const Fields& fields, const std::string& indent) {
  std::string out = "{\n";
  for (size_t i = 0; i < fields.size(); ++i) {
    out += indent + "  " + str(fields[i].first) + ": " + fields[i].second;
    out += i + 1 < fields.size() ? ",\n" : "\n";
  }
  return out + indent + "}";
}

std::string defaultsJson() {
  const EngineConfig c{};
  return "{\n  \"sdk\": " + object(flatDefaults(c), "  ") +
         ",\n  \"engineOnly\": " + object(engineOnly(c), "  ") + "\n}\n";
}

// Next to this file: found from __FILE__ when it is absolute, else from the
// working directory or one of its parents (ccache's base_dir makes __FILE__
// relative; CTest runs in the build directory, inside the source tree).
std::filesystem::path goldenPath() {
  const std::filesystem::path self(__FILE__);
  const std::filesystem::path name = "engine_config_defaults.json";
  if (self.is_absolute()) return self.parent_path() / name;
  const std::filesystem::path fromRoot = std::filesystem::path("test/native/server") / name;
  for (auto dir = std::filesystem::current_path(); !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / fromRoot)) return dir / fromRoot;
    if (dir == dir.parent_path()) break;
  }
  return self.parent_path() / name;
}

TEST(EngineConfigDefaultsTest, MatchTheCheckedInDefaultsTheSdkIsTestedAgainst) {
  const std::string expected = defaultsJson();
  const std::filesystem::path path = goldenPath();
  if (std::getenv("UPDATE_CONFIG_DEFAULTS") != nullptr) {
    std::ofstream(path) << expected;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "cannot read " << path << " (run inside the source tree)";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), expected)
      << "EngineConfig{} differs from " << path
      << ": make the C++ default equal the TypeScript one (lib/options/), or, after changing "
         "both, rerun with UPDATE_CONFIG_DEFAULTS=1. "
      << kAddFieldHint;
}

TEST(EngineConfigDefaultsTest, FieldCountsSeeNestedStructsAsOneField) {
  struct Two {
    int a = 0;
    StreamOptions b;
  };
  EXPECT_EQ(fieldCount<Two>(), 2u);
}

}  // namespace
}  // namespace rtmp::server
