// ClientSession: the client side of one RTMP connection, sans-I/O. Bytes from
// the server go in (feed); bytes for the server come out through
// Callbacks::send; statuses and media come out through the other callbacks.
// Drivers bind it to a socket (client_connection.h) or to byte vectors (tests).
//
//   start()  →  C0+C1
//   S0 S1 S2 →  C2, Set Chunk Size (4096), connect(app, tcUrl, flashVer)
//   _result (connect)       → [releaseStream, FCPublish,] createStream
//   _result (createStream)  → play(name) + Set Buffer Length | publish(name, type)
//   onStatus Play.Start / Publish.Start → started; media flows
//
// Along the way it answers the server's protocol control (RTMP 1.0 §5.4):
// Set Chunk Size and Abort are applied by the ChunkReader; Window Ack Size
// makes it send Acknowledgements (§5.4.3: sequence number = every byte
// received so far, handshake included) each time another window's worth has
// arrived; Set Peer Bandwidth is answered with a Window Ack Size of the same
// size when it differs from the last one sent (§5.4.5); Ping Request is
// answered with Ping Response carrying the same timestamp (§7.1.7).
//
// Bad server input (a protocol error, or a rejection: _error or an onStatus at
// level "error" for our connect/createStream/play/publish) fails the session:
// feed() returns the error and every later call returns it again. The driver
// then closes the socket. Nothing here reads a clock or touches a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/command.h"
#include "protocol/command_parsers.h"
#include "protocol/handshake_client.h"
#include "protocol/message.h"

namespace rtmp::client {

enum class ClientMode : uint8_t { kPlay, kPublish };

struct ClientSessionConfig {
  ClientMode mode = ClientMode::kPlay;
  std::string app;         // connect's "app", e.g. "live"
  std::string tcUrl;       // "rtmp://127.0.0.1:1935/live"
  std::string streamName;  // play/publish name (may carry "?query")
  std::string flashVer = "FMLE/3.0 (compatible; rtmp-engine)";
  std::string publishType = "live";  // "live" | "record" | "append"
  // FFmpeg/OBS send releaseStream + FCPublish before createStream; some
  // servers expect them (nginx-rtmp accepts either way).
  bool sendFCPublish = true;
  // Outgoing chunk size, announced right after the handshake.
  uint32_t outChunkSize = 4096;
  // Set Buffer Length sent after play (0: not sent).
  uint32_t bufferLengthMs = 3000;
  // C1 time field and handshake flavour.
  uint32_t handshakeTime = 0;
  bool digestHandshake = true;
  protocol::RandomSource random;  // empty: OpenSSL
  protocol::ChunkReaderLimits limits;
};

enum class ClientState : uint8_t {
  kIdle,            // start() not called yet
  kHandshake,       // C0+C1 sent, waiting for S0/S1/S2
  kConnecting,      // connect sent
  kCreatingStream,  // createStream sent
  kStarting,        // play/publish sent, waiting for Play.Start/Publish.Start
  kStarted,         // playing or publishing
  kFailed,          // an error ended the session (see error())
};

std::string_view clientStateName(ClientState state);

class ClientSession {
 public:
  struct Callbacks {
    // Bytes for the server, in order. Required.
    std::function<void(base::Bytes)> send = nullptr;
    // Every status the server reports: onStatus infos, and the info of an
    // _error answering one of our commands.
    std::function<void(const protocol::StatusInfo&)> onStatus = nullptr;
    // createStream was answered and play/publish is being sent (on the
    // stream id given); for timing play → first frame.
    std::function<void(uint32_t streamId)> onStreamCreated = nullptr;
    // Play.Start (play) or Publish.Start (publish) arrived.
    std::function<void()> onStarted = nullptr;
    // Audio (8), video (9) and data (15, 18) messages on our stream. The
    // payload is shared with the reader (no copy); keep it if needed.
    std::function<void(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload)> onMedia =
        nullptr;
  };

  ClientSession(ClientSessionConfig config, Callbacks callbacks);
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // Sends C0+C1. Once, first.
  base::Status start();
  // Bytes from the server, any split. An error fails the session.
  base::Status feed(std::span<const uint8_t> bytes);
  // Publishing only, once started: one audio/video/data message on the
  // publish stream (csid 4 audio, 6 video, 5 data, as FFmpeg uses them).
  base::Status sendMedia(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload);
  // Polite end: deleteStream (and FCUnpublish when publishing). The driver
  // closes the socket afterwards.
  base::Status stop();

  ClientState state() const { return state_; }
  bool started() const { return state_ == ClientState::kStarted; }
  const std::optional<base::Error>& error() const { return error_; }
  uint32_t streamId() const { return streamId_; }
  // Every byte received, handshake included (what Acknowledgements count).
  uint64_t bytesReceived() const { return handshakeBytes_ + reader_.bytesConsumed(); }
  uint32_t ackWindow() const { return ackWindow_; }
  uint64_t acksSent() const { return acksSent_; }
  uint64_t messagesReceived() const { return messagesReceived_; }
  const ClientSessionConfig& config() const { return config_; }

 private:
  base::Status fail(base::Error error);
  base::Status feedBytes(std::span<const uint8_t> bytes);
  void flush();
  base::Status handle(const protocol::Message& message);
  base::Status handleControl(const protocol::Message& message);
  base::Status handleCommand(const protocol::Message& message);
  base::Status handleResult(const protocol::Command& command);
  base::Status handleStatus(const protocol::StatusInfo& info);
  base::Status afterHandshake();
  base::Status maybeAcknowledge();
  base::Status write(const base::Result<protocol::Message>& message);
  base::Status write(const protocol::Message& message);

  ClientSessionConfig config_;
  Callbacks callbacks_;
  ClientState state_ = ClientState::kIdle;
  std::optional<base::Error> error_;

  protocol::ClientHandshake handshake_;
  protocol::ChunkReader reader_;
  protocol::ChunkWriter writer_;
  std::vector<protocol::Message> inbox_;  // reused between feeds
  base::BytesBuilder outbox_;

  uint64_t handshakeBytes_ = 0;
  uint32_t ackWindow_ = 0;      // 0: the server asked for none
  uint64_t lastAckAt_ = 0;      // bytesReceived() when the last ack went out
  uint32_t sentAckWindow_ = 0;  // last Window Ack Size we sent (0: none)
  uint64_t acksSent_ = 0;
  uint64_t messagesReceived_ = 0;

  double nextTransaction_ = 1;
  double connectTxn_ = 0;
  double createStreamTxn_ = 0;
  uint32_t streamId_ = 0;
};

}  // namespace rtmp::client
