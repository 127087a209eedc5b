// BlockingRtmpClient: an RTMP client over a blocking loopback socket, for
// tests of the real Engine that need a peer doing exactly what a test says —
// connect and stop, publish and push, play and never read. Built from the
// protocol layer only; every read is bounded by the socket's 10 s timeout.
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "net/net_test_util.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/command.h"
#include "protocol/command_builders.h"
#include "protocol/command_parsers.h"
#include "protocol/handshake_client.h"

namespace rtmp::server::testing {

class BlockingRtmpClient {
 public:
  // Applied at open(): a small window makes the server's writes back up.
  void setReceiveBuffer(int bytes) { socket_.setReceiveBuffer(bytes); }

  bool open(uint16_t port) { return socket_.connect("127.0.0.1", port); }

  // Handshake and connect. Returns the command that answered connect
  // ("_result" or "_error"), or what failed.
  std::string connect(const std::string& app = "live") {
    protocol::ClientHandshakeOptions options;
    options.digest = false;
    protocol::ClientHandshake handshake(options);
    auto c0c1 = handshake.start();
    if (!c0c1.ok() || !socket_.sendAll(c0c1->data(), c0c1->size())) return "no C0+C1";
    auto s0s1s2 = socket_.readExactly(1 + 1536 + 1536);
    if (!s0s1s2) return "no S0+S1+S2";
    auto step = handshake.feed(*s0s1s2);
    if (!step.ok() || !step->done) return "handshake failed";
    if (!socket_.sendAll(step->output.data(), step->output.size())) return "no C2";
    protocol::ConnectParams params;
    params.app = app;
    params.tcUrl = "rtmp://127.0.0.1/" + app;
    if (!send(protocol::buildConnect(1, params))) return "cannot send connect";
    auto answer = awaitCommand({"_result", "_error"});
    return answer ? answer->name : "no answer to connect";
  }

  // createStream, then publish or play on it. Publish waits for its status;
  // play does not read anything after it is sent.
  bool publish(const std::string& name) {
    const uint32_t streamId = createStream();
    if (streamId == 0 || !send(protocol::buildPublish(streamId, name))) return false;
    publishStreamId_ = streamId;
    auto status = awaitCommand({"onStatus"});
    if (!status) return false;
    auto info = protocol::parseOnStatus(*status);
    return info.ok() && info->code == "NetStream.Publish.Start";
  }
  bool play(const std::string& name) {
    const uint32_t streamId = createStream();
    return streamId != 0 && send(protocol::buildPlay(streamId, name));
  }

  bool sendMedia(uint8_t typeId, uint32_t timestamp, const std::vector<uint8_t>& body) {
    protocol::Message m;
    m.csid = typeId == 8 ? protocol::kCsidAudio : protocol::kCsidVideo;
    m.typeId = typeId;
    m.streamId = publishStreamId_;
    m.timestamp = timestamp;
    m.payload = base::Bytes::copyOf(body);
    return send(m);
  }

  // Nothing to read and not closed: the server still holds it open.
  bool stillOpen() {
    uint8_t byte;
    const ssize_t n = ::recv(socket_.fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  }
  net::testing::RawClient& socket() { return socket_; }

 private:
  bool send(const protocol::Message& message) {
    base::BytesBuilder out(256);
    if (!writer_.write(message, out).ok()) return false;
    base::Bytes bytes = out.freeze();
    return socket_.sendAll(bytes.data(), bytes.size());
  }
  bool send(const base::Result<protocol::Message>& message) {
    return message.ok() && send(*message);
  }

  uint32_t createStream() {
    const double txn = nextTransaction_++;
    if (!send(protocol::buildCreateStream(txn))) return 0;
    auto answer = awaitCommand({"_result"});
    if (!answer) return 0;
    auto result = protocol::parseResult(*answer);
    if (!result.ok() || !result->number()) return 0;
    return static_cast<uint32_t>(*result->number());
  }

  // Reads until a command with one of `names` arrives (or the socket ends).
  std::optional<protocol::Command> awaitCommand(const std::vector<std::string>& names) {
    uint8_t buffer[4096];
    for (int reads = 0; reads < 256; ++reads) {
      for (; next_ < messages_.size(); ++next_) {
        const protocol::Message& m = messages_[next_];
        if (!protocol::isCommandMessage(m)) continue;
        auto command = protocol::decodeCommand(m);
        if (!command.ok()) continue;
        for (const auto& name : names) {
          if (command->name == name) {
            ++next_;
            return *command;
          }
        }
      }
      const ssize_t n = ::recv(socket_.fd(), buffer, sizeof(buffer), 0);
      if (n <= 0) return std::nullopt;
      if (!reader_.feed(std::span<const uint8_t>(buffer, static_cast<size_t>(n)), messages_).ok()) {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  net::testing::RawClient socket_;
  protocol::ChunkWriter writer_;
  protocol::ChunkReader reader_;
  std::vector<protocol::Message> messages_;
  size_t next_ = 0;
  double nextTransaction_ = 2;
  uint32_t publishStreamId_ = 0;
};

}  // namespace rtmp::server::testing
