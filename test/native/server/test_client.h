// In-memory RTMP server harness and client for Session tests, no sockets and
// no threads.
//
//   ServerHarness h;                           // registry, session table, 2 fake loops
//   TestClient& pub = h.client(h.loopA);       // a Session on loop A + a real client
//   pub.handshake(); pub.connect("live");
//   pub.publish("cam");                        // releaseStream, FCPublish, createStream, publish
//   pub.sendVideo(0, avcKeyframe(1));
//   TestClient& player = h.client(h.loopB);
//   ... player.play("cam"); h.loopB.drain(); player.media();
//   h.closeAll();                              // every test ends with teardown checks
//
// The client side is built from the protocol layer only: ClientHandshake,
// ChunkWriter (client → session) and ChunkReader (session → client), command
// builders and decodeCommand. Calls into a session run with its loop marked
// current, as they would on its loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "fake_loop.h"
#include "fake_transport.h"
#include "flv_samples.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/command.h"
#include "protocol/command_parsers.h"
#include "protocol/handshake_client.h"
#include "protocol/message.h"
#include "protocol/user_control.h"
#include "server/engine_config.h"
#include "server/engine_events.h"
#include "server/loop_taps.h"
#include "server/publish_taps.h"
#include "server/session.h"
#include "server/session_table.h"
#include "server/stream_registry.h"

namespace rtmp::server::testing {

class TestClient;

class ServerHarness {
 public:
  explicit ServerHarness(EngineConfig config = {});
  ~ServerHarness();
  ServerHarness(const ServerHarness&) = delete;
  ServerHarness& operator=(const ServerHarness&) = delete;

  // A new session on `loop` with its client (owned by the harness).
  TestClient& client(FakeLoop& loop);

  // Detaches the host taps, closes every session still open
  // (Session::onClosed), then drains both loops.
  void closeAll();
  // Drains both loops until neither has work.
  void drainAll();

  std::vector<EngineEvent> eventsOf(EventKind kind) const;
  // Taps attached on either loop.
  size_t tapsAttached() const { return loopA.tapCount() + loopB.tapCount(); }

  const EngineConfig config;
  StreamRegistry registry;
  SessionTable table;
  std::vector<EngineEvent> events;
  uint64_t nowMs = 5'000;
  PublishTaps publishTaps;  // env.publishTaps points here
  SessionEnvironment env;
  FakeLoop loopA{0};
  FakeLoop loopB{1};
  // Host-attached taps on each loop, as each engine LoopContext holds them.
  // closeAll() detaches them first, as Engine::stop does.
  LoopTaps tapsA{loopA, loopA.fanouts(), registry};
  LoopTaps tapsB{loopB, loopB.fanouts(), registry};

 private:
  std::vector<std::unique_ptr<TestClient>> clients_;
  uint64_t nextId_ = 1;
};

class TestClient {
 public:
  TestClient(ServerHarness& harness, FakeLoop& loop, uint64_t id);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  Session& session() { return *session_; }
  MemoryTransport& transport() { return transport_; }
  SessionInfo& info() { return *info_; }
  uint64_t id() const { return id_; }
  FakeLoop& loop() { return loop_; }

  // --- client → session ---
  // Simple (non-digest) or digest C0+C1, then C2 once S0+S1+S2 are back.
  void handshake(bool digest = false) { handshakeWith(digest, 0, {}); }
  // The same, fed in pieces of `split` bytes (0: whole), with `afterC2`
  // (chunk stream bytes) sent in the same write as C2.
  void handshakeWith(bool digest, size_t split, const std::vector<uint8_t>& afterC2);
  // The chunks of `message` from the client's ChunkWriter, not sent.
  std::vector<uint8_t> encode(const protocol::Message& message);
  // Chunks `message` with the client's ChunkWriter and feeds the bytes, whole
  // or cut into pieces of `split` bytes.
  void send(const protocol::Message& message, size_t split = 0);
  void send(const base::Result<protocol::Message>& message, size_t split = 0);
  void sendRaw(const std::vector<uint8_t>& bytes);
  // Set Chunk Size to the session, then chunks at that size.
  void setChunkSize(uint32_t size);

  void connect(const std::string& app = "live", const std::string& tcUrl = "");
  // createStream; returns the stream id of the _result (0 if none came).
  uint32_t createStream();
  // The OBS sequence: releaseStream, FCPublish, createStream, publish.
  void publish(const std::string& name);
  void play(const std::string& name, std::optional<bool> reset = std::nullopt);
  // Media on the publish stream, csids as FFmpeg uses them (audio 4, video 6, data 5).
  void sendVideo(uint32_t timestamp, const ByteVec& body);
  void sendAudio(uint32_t timestamp, const ByteVec& body);
  // "@setDataFrame", "onMetaData", {width, height, framerate, ...}.
  void sendMetadata(uint32_t timestamp);
  // The connection is gone: Session::onClosed.
  void close(base::ErrorCode code = base::ErrorCode::kClosed,
             const std::string& why = "peer closed");
  bool closed() const { return closed_; }

  // --- session → client ---
  // Decodes everything the session has written so far.
  void poll();
  const std::vector<protocol::Message>& received();
  // Messages received since the last call of takeNew().
  std::vector<protocol::Message> takeNew();
  std::vector<protocol::Command> commands();
  // onStatus codes, in order.
  std::vector<std::string> statusCodes();
  std::vector<protocol::UserControlEvent> userControls();
  // Audio, video and data messages (types 8, 9, 18), in order.
  std::vector<protocol::Message> media();
  // Only audio and video.
  std::vector<protocol::Message> avMedia();
  const std::optional<base::Error>& readerError() const { return readerError_; }

  // Every byte fed to the session so far, handshake included.
  uint64_t bytesSent() const { return bytesSent_; }
  uint32_t publishStreamId() const { return publishStreamId_; }
  uint32_t playStreamId() const { return playStreamId_; }

 private:
  void feed(const std::vector<uint8_t>& bytes, size_t split);

  ServerHarness& harness_;
  FakeLoop& loop_;
  const uint64_t id_;
  MemoryTransport transport_;
  std::shared_ptr<SessionInfo> info_;
  std::unique_ptr<Session> session_;

  std::optional<protocol::ClientHandshake> handshake_;
  protocol::ChunkWriter writer_;
  protocol::ChunkReader reader_;
  size_t readOffset_ = 0;
  std::vector<protocol::Message> received_;
  size_t taken_ = 0;
  std::optional<base::Error> readerError_;

  double nextTransaction_ = 2;
  uint32_t publishStreamId_ = 0;
  uint32_t playStreamId_ = 0;
  bool closed_ = false;
  uint64_t bytesSent_ = 0;
};

// Captures native log lines while alive (restores the default sink after).
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  // A line with its context fields.
  struct Record {
    base::LogLevel level;
    uint64_t sessionId;
    std::string app;
    std::string stream;
    std::string message;
  };
  const std::vector<std::string>& lines() const { return lines_; }  // "component: message"
  const std::vector<Record>& records() const { return records_; }
  bool contains(std::string_view text) const;

 private:
  std::vector<std::string> lines_;
  std::vector<Record> records_;
};

// Helpers over received messages.
bool isMedia(const protocol::Message& m);
// The first onStatus/_result/_error info object's code of a command, or "".
std::string statusCodeOf(const protocol::Command& command);
// The description of an onStatus/_error info object ("" when absent).
std::string statusDescriptionOf(const protocol::Command& command);
ByteVec bytesOf(const protocol::Message& m);
// A short readable name of a media message for expectations:
//   "meta@0" onMetaData, "VH@0"/"AH@0" sequence headers, "K5@0" keyframe with
//   tag 5, "P6@40" inter frame, "A105@20" raw AAC; other data "data:<name>@ts".
std::string describe(const protocol::Message& m);
std::vector<std::string> describe(const std::vector<protocol::Message>& messages);
// The same without the "@timestamp" part, for tests about order and content.
std::vector<std::string> kinds(const std::vector<protocol::Message>& messages);

// Publishing script: frame i has video at t0 + 40*i (keyframe when i % gop ==
// 0, tag i) and audio at t0 + 40*i + 20 (tag 100 + i).
void publishFrames(TestClient& publisher, uint32_t t0, int from, int to, int gop);
// Metadata, AVC and AAC sequence headers, all at `timestamp`.
void publishHeaders(TestClient& publisher, uint32_t timestamp);

}  // namespace rtmp::server::testing
