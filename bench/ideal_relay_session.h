// RelaySession: one connection of the ideal relay — handshake, chunk reading
// and the few commands a publisher (FFmpeg, OBS, rtmp-bench) and a player
// need. Media goes straight to the IdealStream; everything else is ignored.
//
// Commands (RTMP 1.0 §7.2):
//   connect          Window Ack Size, Set Peer Bandwidth, Set Chunk Size 4096,
//                    _result NetConnection.Connect.Success
//   createStream     _result with stream id 1 (every client gets the same id)
//   publish          onStatus NetStream.Publish.Start (BadName when taken)
//   play             Stream Begin, Play.Reset, Play.Start, |RtmpSampleAccess,
//                    then the stream's metadata, configs and media
//   deleteStream, closeStream, FCUnpublish: stop publishing / playing
//   anything else with a transaction id: an empty _result
// Ping Requests get a Ping Response and the publisher gets Acknowledgements
// (§5.4.3); aggregate messages (type 22) and AMF3 shared objects are dropped.
//
// Lifetime: created for an accepted connection, deletes itself in the
// connection's onClose (the Connection deletes itself right after).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"
#include "ideal_relay_stream.h"
#include "net/connection.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/handshake_server.h"
#include "protocol/message.h"

namespace rtmp::bench {

class RelaySession {
 public:
  // Starts reading on `connection` (loop thread).
  static void start(net::Connection& connection, IdealStream& stream);

 private:
  enum class Role : uint8_t { kNone, kPublisher, kPlayer };

  RelaySession(net::Connection& connection, IdealStream& stream);
  void onData(std::span<const uint8_t> bytes);
  void onClose();
  base::Status handle(const protocol::Message& message);
  base::Status handleCommand(const protocol::Message& message);
  base::Status handleData(const protocol::Message& message);
  base::Status send(base::Result<protocol::Message> message);
  void acknowledge();
  void stop();

  net::Connection& connection_;
  IdealStream& stream_;
  protocol::ServerHandshake handshake_;
  protocol::ChunkReader reader_;
  protocol::ChunkWriter writer_;
  std::vector<protocol::Message> messages_;  // reused by every feed
  Role role_ = Role::kNone;
  uint32_t peerWindow_ = 0;  // from the peer's Window Ack Size; 0 = no acks
  uint64_t lastAck_ = 0;
};

}  // namespace rtmp::bench
