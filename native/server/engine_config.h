// The engine's configuration. The user-facing defaults live in TypeScript
// (lib/options/, one defaults object per section): the SDK defaults, validates
// and freezes the user's options and hands over this struct; native code only
// asserts. The defaults below are for native tests and tools, and a test keeps
// them equal to the TypeScript ones (test/native/server/engine_config_defaults_test.cc
// writes test/fixtures/engine-config-defaults.json, test/config-defaults.test.ts
// compares it with lib/options/).
//
// Parts that one component consumes whole are its own struct, embedded here
// and handed over as is: EngineConfig::streams to the StreamRegistry (every
// Stream), EngineConfig::authFailures to the AuthFailureLimiter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/auth_failure_limiter.h"
#include "server/hls_options.h"
#include "server/ip_rules.h"
#include "server/stream_options.h"
#include "server/timestamp_mode.h"

namespace rtmp::server {

struct EngineConfig {
  // Listener. host may be an IPv4 or IPv6 literal; port 0 picks a free port.
  std::string host = "0.0.0.0";
  uint16_t port = 1935;
  uint32_t ioThreads = 0;  // 0 = number of cores

  // RTMPS: a second listener speaking RTMP inside TLS (TLS 1.2 minimum).
  bool rtmps = false;
  std::string rtmpsHost = "0.0.0.0";
  uint16_t rtmpsPort = 1936;
  std::string tlsCertFile;      // PEM, leaf first
  std::string tlsKeyFile;       // PEM
  std::string tlsCiphers;       // TLS 1.2 cipher list (OpenSSL syntax); "" = library default
  std::string tlsCipherSuites;  // TLS 1.3 suites; "" = library default

  // Timeouts (milliseconds).
  uint32_t handshakeTimeoutMs = 10'000;
  uint32_t idleTimeoutMs = 30'000;  // no media and no command (players exempt)

  // Protocol. Our Set Chunk Size is streams.outChunkSize.
  uint32_t maxMessageSize = 16u << 20;  // largest message a peer may send
  uint32_t windowAckSize = 2'500'000;   // Window Acknowledgement Size we announce
  uint32_t peerBandwidth = 2'500'000;   // Set Peer Bandwidth we announce
  uint32_t amfMaxDepth = 32;
  uint32_t amfMaxString = 64u << 10;

  // Streams: GOP cache, timestamps, chunk size (every Stream gets this).
  StreamOptions streams;
  bool waitForPublisher = true;  // false: play of a missing stream → StreamNotFound
  // A player with no publisher (at play, or after the publisher left) waits
  // this long, then gets StreamNotFound and is closed; 0 = answer at once.
  uint32_t playWaitMs = 30'000;

  // Players.
  uint32_t playerQueueMs = 5'000;            // media time queued per player before dropping
  uint32_t playerQueueMaxBytes = 32u << 20;  // hard cap regardless of media time
  // Write-merge budget: 0 sends media as soon as a loop iteration ends; N > 0
  // gathers each player's media for up to N ms and sends it with one write.
  // System calls per message, not bytes, dominate fan-out cost (docs/PERF.md).
  uint32_t mergeWritesMs = 0;

  // Limits (0 = no limit). Past one: the RTMP error for that step, then close.
  uint32_t maxConnections = 1'000;   // connected sessions at once (checked at connect)
  uint32_t maxConnectionsPerIp = 0;  // connected sessions at once from one address
  uint32_t maxPublishers = 10;       // publishing sessions at once
  uint32_t maxPlayersPerStream = 0;  // players of one stream at once
  uint32_t maxIngestKbps = 0;        // a publisher's media rate, averaged over 5 s
  bool dropOverIngestLimit = false;  // false: warn (logged, every 30 s); true: close it

  // Authorization by the host (the SDK's authorize hook). When on, publish and
  // play wait for an answer (Engine::answerAuth) before anything is started.
  bool authHook = false;
  uint32_t authTimeoutMs = 5'000;  // no answer by then: authTimeoutAllows decides
  bool authTimeoutAllows = false;
  // Failed authorizations per IP: maxFailures within windowMs ban the address
  // for banMs (maxFailures 0 = no bans); addresses in exemptCidrs never are.
  AuthFailureLimiterConfig authFailures;

  // IP rules for connect/publish/play, first match wins (server/ip_rules.h).
  std::vector<IpRuleSpec> ipRules;
  bool ipDefaultAllow = true;

  // Bytes all connections together may hold in incomplete messages (each one
  // is also capped at 32 MiB). Past it the connection holding the most is
  // closed. 0 = no engine-wide bound. (Issue 10: reassembly budget.)
  uint32_t maxPartialMessageBytes = 256u << 20;
  // Timeouts and pending-connection budgets (issue 10). 0 turns one off.
  // The idle timeout above counts only progress (a command or media message).
  uint32_t connectTimeoutMs = 10'000;      // handshake done, no connect by then: closed
  uint32_t playPublishTimeoutMs = 30'000;  // connected, no publish or play by then: closed
  uint32_t writeTimeoutMs = 30'000;        // output queued, none taken for this long: closed
  // Connections accepted but not connected yet (no RTMP connect accepted) have
  // their own budget, apart from maxConnections, which counts connected
  // sessions only. Over it, the oldest pending one is closed, not the newcomer.
  uint32_t maxPendingConnections = 256;  // in the whole engine
  uint32_t maxPendingPerIp = 16;         // from one address
  // Output and metadata bounds (issue 10).
  // Bytes of replies (pongs, acks, command results, statuses, control
  // messages; not media) a session may have written that the socket has not
  // taken: past it the peer is not reading and the session is closed. 0 = none.
  uint32_t maxPendingOutputBytes = 1u << 20;
  // Largest onMetaData/@setDataFrame payload a stream keeps and forwards;
  // a larger one is dropped and counted (IngestDropReason::kMetadataTooLarge).
  uint32_t maxMetadataBytes = 64u << 10;

  // HLS/DASH segmenter (issue 11): a publish tap per enabled publish
  // (server/hls_tap.h), registered by the host that consumes its records.
  HlsOptions hls;

  // Decoder pool (issue 12) behind frames() and snapshot(): its threads,
  // started with the first subscription. 0 = one per core.
  uint32_t decoderThreads = 0;
  // Hardware video decode (decode/hw_device.h): "none", "auto" or an FFmpeg
  // device type name; never required (a device that does not open means
  // software). `hwaccelDevice` picks the device; empty = FFmpeg's default.
  std::string hwaccel = "none";
  std::string hwaccelDevice;
};

}  // namespace rtmp::server
