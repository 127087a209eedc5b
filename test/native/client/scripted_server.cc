#include "scripted_server.h"

#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "protocol/status_codes.h"
#include "protocol/user_control.h"

namespace rtmp::client::testing {

protocol::RandomSource fixedRandom(uint8_t seed) {
  return [seed](std::span<uint8_t> out) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  };
}

void append(ByteVec& to, const ByteVec& bytes) {
  to.insert(to.end(), bytes.begin(), bytes.end());
}

ClientUnderTest::ClientUnderTest(ClientSessionConfig config)
    : session(
          std::move(config),
          ClientSession::Callbacks{
              .send =
                  [this](base::Bytes b) { out.insert(out.end(), b.data(), b.data() + b.size()); },
              .onStatus = [this](const protocol::StatusInfo& info) { statuses.push_back(info); },
              .onStreamCreated = [this](uint32_t id) { streamCreated = id; },
              .onStarted = [this] { ++started; },
              .onMedia =
                  [this](uint8_t type, uint32_t ts, const base::Bytes& payload) {
                    media.push_back(
                        {type, ts, ByteVec(payload.data(), payload.data() + payload.size())});
                  },
          }) {}

ClientSessionConfig ClientUnderTest::playConfig(const std::string& name) {
  ClientSessionConfig c;
  c.mode = ClientMode::kPlay;
  c.app = "live";
  c.tcUrl = "rtmp://127.0.0.1:1935/live";
  c.streamName = name;
  c.handshakeTime = 1000;
  c.random = fixedRandom(1);
  return c;
}

ClientSessionConfig ClientUnderTest::publishConfig(const std::string& name) {
  ClientSessionConfig c = playConfig(name);
  c.mode = ClientMode::kPublish;
  return c;
}

ByteVec ClientUnderTest::takeOut() {
  ByteVec taken;
  taken.swap(out);
  return taken;
}

base::Status ClientUnderTest::feed(const ByteVec& bytes, size_t split) {
  if (split == 0) split = bytes.size() == 0 ? 1 : bytes.size();
  for (size_t at = 0; at < bytes.size(); at += split) {
    const size_t n = std::min(split, bytes.size() - at);
    RTMP_TRY(session.feed(std::span<const uint8_t>(bytes.data() + at, n)));
  }
  return base::okStatus();
}

ScriptedServer::ScriptedServer()
    : handshake_(protocol::ServerHandshakeOptions{.time = 7, .random = fixedRandom(2)}) {}

ByteVec ScriptedServer::receive(std::span<const uint8_t> bytes) {
  ByteVec answer;
  if (!handshakeDone_) {
    auto step = handshake_.feed(bytes);
    if (!step.ok()) {
      readerError = step.error();
      return answer;
    }
    answer = step->output;
    if (!step->done) return answer;
    handshakeDone_ = true;
    bytes = bytes.subspan(step->consumed);
  }
  if (!bytes.empty()) {
    base::Status s = reader_.feed(bytes, received);
    if (!s.ok()) readerError = s.error();
  }
  return answer;
}

std::vector<protocol::Command> ScriptedServer::commands() const {
  std::vector<protocol::Command> out;
  for (const protocol::Message& m : received) {
    if (!protocol::isCommandMessage(m)) continue;
    auto c = protocol::decodeCommand(m);
    if (c.ok()) out.push_back(*c);
  }
  return out;
}

ByteVec ScriptedServer::encode(const protocol::Message& message) {
  base::BytesBuilder b;
  base::Status s = writer_.write(message, b);
  if (!s.ok()) return {};
  base::Bytes bytes = b.freeze();
  return ByteVec(bytes.data(), bytes.data() + bytes.size());
}

ByteVec ScriptedServer::encode(const base::Result<protocol::Message>& message) {
  return message.ok() ? encode(*message) : ByteVec{};
}

ByteVec ScriptedServer::setChunkSize(uint32_t size) {
  ByteVec out = encode(protocol::encodeSetChunkSize(size));
  (void)writer_.setChunkSize(size);
  return out;
}

protocol::Message videoMessage(uint32_t timestamp, size_t size, uint8_t fill) {
  protocol::Message m;
  m.csid = protocol::kCsidVideo;
  m.typeId = 9;
  m.streamId = 1;
  m.timestamp = timestamp;
  ByteVec body(size, fill);
  if (size >= 2) {
    body[0] = 0x27;  // inter frame, AVC
    body[1] = 0x01;  // NALU
  }
  m.payload = base::Bytes::copyOf(body);
  return m;
}

protocol::Message audioMessage(uint32_t timestamp, size_t size, uint8_t fill) {
  protocol::Message m;
  m.csid = protocol::kCsidAudio;
  m.typeId = 8;
  m.streamId = 1;
  m.timestamp = timestamp;
  ByteVec body(size, fill);
  if (size >= 2) {
    body[0] = 0xAF;  // AAC, 44 kHz, 16-bit, stereo
    body[1] = 0x01;  // raw
  }
  m.payload = base::Bytes::copyOf(body);
  return m;
}

ByteVec playScript(ScriptedServer& server, ClientUnderTest& client,
                   const std::vector<protocol::Message>& media) {
  ByteVec script = server.receive(client.takeOut());  // S0 S1 S2
  // What nginx-rtmp and our server send after the handshake and connect.
  append(script, server.encode(protocol::encodeWindowAckSize(5'000'000)));
  append(script, server.encode(protocol::encodeSetPeerBandwidth(
                     5'000'000, protocol::BandwidthLimitType::kDynamic)));
  append(script, server.setChunkSize(4096));
  append(script, server.encode(protocol::buildConnectResult(1)));
  append(script, server.encode(protocol::buildOnBWDone()));
  append(script, server.encode(protocol::buildCreateStreamResult(2, 1)));
  append(script, server.encode(protocol::encodeStreamBegin(1)));
  append(script, server.encode(protocol::buildOnStatus(1, protocol::status::kPlayReset, "reset")));
  append(script,
         server.encode(protocol::buildOnStatus(1, protocol::status::kPlayStart, "Start live")));
  append(script, server.encode(protocol::buildSampleAccess(1)));
  for (const protocol::Message& m : media) append(script, server.encode(m));
  return script;
}

}  // namespace rtmp::client::testing
