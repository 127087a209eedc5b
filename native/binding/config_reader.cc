#include "binding/config_reader.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "binding/error_mapping.h"
#include "decode/hw_device.h"

namespace rtmp::binding {

namespace {

class FlatReader {
 public:
  FlatReader(Napi::Env env, Napi::Object object) : env_(env), object_(object) {}

  uint32_t u32(const char* key, uint32_t min = 0,
               uint32_t max = std::numeric_limits<uint32_t>::max()) {
    Napi::Value v = field(key);
    if (!v.IsNumber()) fail(key, "a number");
    double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || std::floor(d) != d || d < min || d > max) {
      fail(key, "an integer in " + std::to_string(min) + ".." + std::to_string(max));
    }
    return static_cast<uint32_t>(d);
  }

  bool boolean(const char* key) {
    Napi::Value v = field(key);
    if (!v.IsBoolean()) fail(key, "a boolean");
    return v.As<Napi::Boolean>().Value();
  }

  std::string string(const char* key) {
    Napi::Value v = field(key);
    if (!v.IsString()) fail(key, "a string");
    return v.As<Napi::String>().Utf8Value();
  }

  Napi::Array array(const char* key) {
    Napi::Value v = field(key);
    if (!v.IsArray()) fail(key, "an array");
    return v.As<Napi::Array>();
  }

 private:
  Napi::Value field(const char* key) {
    if (!object_.Has(key)) fail(key, "present");
    return object_.Get(key);
  }

  [[noreturn]] void fail(const char* key, const std::string& expected) {
    throwContractError(env_, std::string("engine config `") + key + "` must be " + expected);
  }

  Napi::Env env_;
  Napi::Object object_;
};

server::TimestampMode timestampMode(Napi::Env env, const std::string& name) {
  if (name == "off") return server::TimestampMode::kOff;
  if (name == "monotonic") return server::TimestampMode::kMonotonic;
  if (name == "rebase") return server::TimestampMode::kRebase;
  throwContractError(env, "engine config `timestampMode` must be off, monotonic or rebase");
}

// ipRules: [{ action: "connect"|"publish"|"play"|"*", app, allow, cidr }]. The
// engine validates the CIDRs and actions when it starts (IpRules::build).
std::vector<server::IpRuleSpec> ipRules(Napi::Env env, const Napi::Array& list) {
  std::vector<server::IpRuleSpec> out;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (!item.IsObject()) throwContractError(env, "engine config `ipRules` items must be objects");
    FlatReader r(env, item.As<Napi::Object>());
    server::IpRuleSpec spec;
    spec.action = r.string("action");
    spec.app = r.string("app");
    spec.allow = r.boolean("allow");
    spec.cidr = r.string("cidr");
    out.push_back(std::move(spec));
  }
  return out;
}

server::HlsFormat hlsFormat(Napi::Env env, const std::string& name) {
  if (name == "fmp4") return server::HlsFormat::kFmp4;
  if (name == "ts") return server::HlsFormat::kTs;
  throwContractError(env, "engine config `hlsFormat` must be fmp4 or ts");
}

std::vector<std::string> strings(Napi::Env env, const char* key, const Napi::Array& list) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (!item.IsString()) {
      throwContractError(env, std::string("engine config `") + key + "` items must be strings");
    }
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

}  // namespace

BindingConfig readBindingConfig(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject()) throwContractError(env, "engine config must be an object");
  FlatReader r(env, value.As<Napi::Object>());
  BindingConfig out;
  server::EngineConfig& c = out.engine;

  c.host = r.string("host");
  if (c.host.empty()) throwContractError(env, "engine config `host` must not be empty");
  c.port = static_cast<uint16_t>(r.u32("port", 0, 65535));
  c.ioThreads = r.u32("ioThreads", 0, 1024);

  c.rtmps = r.boolean("rtmps");
  if (c.rtmps) {
    c.rtmpsHost = r.string("rtmpsHost");
    c.rtmpsPort = static_cast<uint16_t>(r.u32("rtmpsPort", 0, 65535));
    c.tlsCertFile = r.string("tlsCertFile");
    c.tlsKeyFile = r.string("tlsKeyFile");
    c.tlsCiphers = r.string("tlsCiphers");
    c.tlsCipherSuites = r.string("tlsCipherSuites");
  }

  c.handshakeTimeoutMs = r.u32("handshakeTimeoutMs", 1);
  c.idleTimeoutMs = r.u32("idleTimeoutMs", 1);

  // RTMP 1.0 §5.4.1: chunk size is 31 bits and at least 1; message length is 24 bits.
  c.streams.outChunkSize = r.u32("outChunkSize", 1, 0x7fffffff);
  c.maxMessageSize = r.u32("maxMessageSize", 1);
  c.windowAckSize = r.u32("windowAckSize", 1);
  c.peerBandwidth = r.u32("peerBandwidth", 1);
  c.amfMaxDepth = r.u32("amfMaxDepth", 1);
  c.amfMaxString = r.u32("amfMaxString", 1);

  c.streams.gopCache = r.boolean("gopCache");
  c.streams.gopLimits.maxMs = r.u32("gopCacheMaxMs");
  c.streams.gopLimits.maxBytes = r.u32("gopCacheMaxBytes");
  c.streams.gopLimits.maxFrames = r.u32("gopCacheMaxFrames");
  c.streams.timestampMode = timestampMode(env, r.string("timestampMode"));
  c.waitForPublisher = r.boolean("waitForPublisher");
  c.playWaitMs = r.u32("playWaitMs", 0, 86'400'000);

  c.playerQueueMs = r.u32("playerQueueMs");
  c.playerQueueMaxBytes = r.u32("playerQueueMaxBytes");
  c.mergeWritesMs = r.u32("mergeWritesMs", 0, 1'000);

  c.maxConnections = r.u32("maxConnections");
  c.maxConnectionsPerIp = r.u32("maxConnectionsPerIp");
  c.maxPublishers = r.u32("maxPublishers");
  c.maxPlayersPerStream = r.u32("maxPlayersPerStream");
  c.authHook = r.boolean("authHook");
  c.authTimeoutMs = r.u32("authTimeoutMs", 1);
  c.authTimeoutAllows = r.boolean("authTimeoutAllows");
  // authFailures.maxTrackedIps is not a user option: the engine's bound stays.
  c.authFailures.maxFailures = static_cast<int>(r.u32("authFailLimit", 0, 1'000'000));
  c.authFailures.windowMs = r.u32("authFailWindowMs", 1);
  c.authFailures.banMs = r.u32("authBanMs");
  c.authFailures.exemptCidrs = strings(env, "authBanExemptCidrs", r.array("authBanExemptCidrs"));
  c.maxIngestKbps = r.u32("maxIngestKbps");
  c.dropOverIngestLimit = r.boolean("dropOverIngestLimit");
  c.ipRules = ipRules(env, r.array("ipRules"));
  c.ipDefaultAllow = r.boolean("ipDefaultAllow");
  c.maxPartialMessageBytes = r.u32("maxPartialMessageBytes");

  // Timeouts and pending-connection budgets (issue 10); 0 = off.
  c.connectTimeoutMs = r.u32("connectTimeoutMs");
  c.playPublishTimeoutMs = r.u32("playPublishTimeoutMs");
  c.writeTimeoutMs = r.u32("writeTimeoutMs");
  c.maxPendingConnections = r.u32("maxPendingConnections");
  c.maxPendingPerIp = r.u32("maxPendingPerIp");

  // Output and metadata bounds (issue 10).
  c.maxPendingOutputBytes = r.u32("maxPendingOutputBytes");
  c.maxMetadataBytes = r.u32("maxMetadataBytes", 1);

  // HLS segmenter (issue 11).
  c.hls.enabled = r.boolean("hlsEnabled");
  c.hls.apps = strings(env, "hlsApps", r.array("hlsApps"));
  c.hls.format = hlsFormat(env, r.string("hlsFormat"));
  c.hls.segmentDurationMs = r.u32("hlsSegmentDurationMs", 100, 600'000);
  c.hls.partDurationMs = r.u32("hlsPartDurationMs", 0, 60'000);
  c.hls.maxSegmentBytes = r.u32("hlsMaxSegmentBytes", 1);
  c.decoderThreads = r.u32("decoderThreads", 0, 256);
  c.hwaccel = r.string("hwaccel");
  c.hwaccelDevice = r.string("hwaccelDevice");
  if (base::Status hw = decode::validate(decode::HwAccelConfig{c.hwaccel, c.hwaccelDevice});
      !hw.ok()) {
    throwContractError(env, "engine config `hwaccel`: " + hw.error().message());
  }

  const std::string frameBuffers = r.string("frameBuffers");
  if (frameBuffers != "pool" && frameBuffers != "external") {
    throwContractError(
        env, "engine config `frameBuffers`: 'pool' or 'external', got '" + frameBuffers + "'");
  }
  out.externalFrameBuffers = frameBuffers == "external";

  out.logThreshold = static_cast<int>(r.u32("logLevel", 0, kLogSilent));
  return out;
}

}  // namespace rtmp::binding
