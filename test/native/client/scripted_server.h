// Test helpers for ClientSession: the server's side of a conversation built
// with our own protocol encoders (ServerHandshake, ChunkWriter, command
// builders) and a recorder for everything the client session reports.
// No sockets, no clocks: every random byte is fixed, so a script of server
// bytes can be built once and replayed with any split.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "client/client_session.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/command.h"
#include "protocol/handshake_server.h"
#include "protocol/message.h"

namespace rtmp::client::testing {

using ByteVec = std::vector<uint8_t>;

// Fixed "random" bytes, so C1 (and hence S2) is the same every run.
protocol::RandomSource fixedRandom(uint8_t seed);

// A ClientSession plus what it reported.
struct RecordedMedia {
  uint8_t typeId = 0;
  uint32_t timestamp = 0;
  ByteVec payload;
  bool operator==(const RecordedMedia&) const = default;
};

class ClientUnderTest {
 public:
  explicit ClientUnderTest(ClientSessionConfig config);
  static ClientSessionConfig playConfig(const std::string& name = "cam");
  static ClientSessionConfig publishConfig(const std::string& name = "cam");

  ClientSession session;
  ByteVec out;  // bytes the client sent and nobody took yet
  std::vector<protocol::StatusInfo> statuses;
  std::vector<RecordedMedia> media;
  int started = 0;
  std::optional<uint32_t> streamCreated;

  // Takes everything the client sent so far.
  ByteVec takeOut();
  // Feeds `bytes` in pieces of `split` (0: whole); returns the first error.
  base::Status feed(const ByteVec& bytes, size_t split = 0);
};

class ScriptedServer {
 public:
  ScriptedServer();

  // Client bytes (C0+C1, C2, chunks) in; returns the handshake answer once
  // C0+C1 are complete (S0+S1+S2), empty otherwise.
  ByteVec receive(std::span<const uint8_t> clientBytes);
  // Messages decoded from the client's chunk stream so far.
  std::vector<protocol::Message> received;
  std::vector<protocol::Command> commands() const;
  std::optional<base::Error> readerError;

  // Server → client chunks.
  ByteVec encode(const protocol::Message& message);
  ByteVec encode(const base::Result<protocol::Message>& message);
  // Set Chunk Size to the client, then chunks at that size.
  ByteVec setChunkSize(uint32_t size);

 private:
  protocol::ServerHandshake handshake_;
  protocol::ChunkReader reader_;
  protocol::ChunkWriter writer_;
  bool handshakeDone_ = false;
};

// Server bytes that take a play client (txn 1 connect, txn 2 createStream)
// from S0 to Play.Start and then send `media` on stream 1, chunk size 4096.
ByteVec playScript(ScriptedServer& server, ClientUnderTest& client,
                   const std::vector<protocol::Message>& media);

// A video message on stream 1 (FLV AVC tag body of `size` bytes).
protocol::Message videoMessage(uint32_t timestamp, size_t size, uint8_t fill);
protocol::Message audioMessage(uint32_t timestamp, size_t size, uint8_t fill);

void append(ByteVec& to, const ByteVec& bytes);

}  // namespace rtmp::client::testing
