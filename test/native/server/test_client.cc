#include "test_client.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/log.h"
#include "protocol/amf_value.h"
#include "protocol/command_builders.h"
#include "protocol/control_messages.h"

namespace rtmp::server::testing {

using protocol::AmfValue;
using protocol::Message;

// ---- ServerHarness ----

ServerHarness::ServerHarness(EngineConfig config)
    : config(std::move(config)),
      registry(this->config.streams),
      env{this->config,
          registry,
          table,
          [this](EngineEvent&& e) { events.push_back(std::move(e)); },
          [this] { return nowMs; },
          [this] { return nowMs + 1'700'000'000'000ull; }} {
  env.publishTaps = &publishTaps;
}

ServerHarness::~ServerHarness() {
  closeAll();
  clients_.clear();
}

TestClient& ServerHarness::client(FakeLoop& loop) {
  clients_.push_back(std::make_unique<TestClient>(*this, loop, nextId_++));
  return *clients_.back();
}

void ServerHarness::closeAll() {
  {
    auto scope = loopA.enter();
    tapsA.detachAll();
  }
  {
    auto scope = loopB.enter();
    tapsB.detachAll();
  }
  for (auto& c : clients_) {
    if (!c->closed()) c->close();
  }
  drainAll();
}

void ServerHarness::drainAll() {
  while (loopA.drain() + loopB.drain() > 0) {
  }
}

std::vector<EngineEvent> ServerHarness::eventsOf(EventKind kind) const {
  std::vector<EngineEvent> out;
  for (const auto& e : events) {
    if (e.kind() == kind) out.push_back(e);
  }
  return out;
}

// ---- TestClient ----

TestClient::TestClient(ServerHarness& harness, FakeLoop& loop, uint64_t id)
    : harness_(harness),
      loop_(loop),
      id_(id),
      transport_(loop),
      info_(harness.table.add(id, "192.0.2.7", static_cast<uint16_t>(50000 + id), loop.index(),
                              &loop, harness.env.wallMs())) {
  auto scope = loop_.enter();
  session_ = std::make_unique<Session>(id, PeerInfo{"192.0.2.7", static_cast<uint16_t>(50000 + id)},
                                       transport_, harness.env, info_);
}

TestClient::~TestClient() {
  if (!closed_) close();
  harness_.table.remove(id_);
}

void TestClient::feed(const std::vector<uint8_t>& bytes, size_t split) {
  auto scope = loop_.enter();
  bytesSent_ += bytes.size();
  if (split == 0) split = bytes.size();
  for (size_t offset = 0; offset < bytes.size(); offset += split) {
    size_t n = std::min(split, bytes.size() - offset);
    session_->onBytes(std::span<const uint8_t>(bytes.data() + offset, n));
  }
}

void TestClient::handshakeWith(bool digest, size_t split, const std::vector<uint8_t>& afterC2) {
  protocol::ClientHandshakeOptions hs;
  hs.digest = digest;
  handshake_.emplace(hs);
  auto c0c1 = handshake_->start();
  ASSERT_TRUE(c0c1.ok());
  feed(*c0c1, split);
  auto step = handshake_->feed(transport_.output());
  ASSERT_TRUE(step.ok()) << step.error().toString();
  ASSERT_TRUE(step->done);
  // S0+S1+S2 are read; anything after them is the session's chunk stream.
  readOffset_ = step->consumed;
  std::vector<uint8_t> c2 = step->output;
  c2.insert(c2.end(), afterC2.begin(), afterC2.end());
  feed(c2, split);
  ASSERT_TRUE(session_->handshakeDone());
}

std::vector<uint8_t> TestClient::encode(const Message& message) {
  base::BytesBuilder out(256);
  auto written = writer_.write(message, out);
  EXPECT_TRUE(written.ok()) << written.error().toString();
  base::Bytes bytes = out.freeze();
  return std::vector<uint8_t>(bytes.data(), bytes.data() + bytes.size());
}

void TestClient::send(const Message& message, size_t split) {
  feed(encode(message), split);
}

void TestClient::send(const base::Result<Message>& message, size_t split) {
  ASSERT_TRUE(message.ok()) << message.error().toString();
  send(*message, split);
}

void TestClient::sendRaw(const std::vector<uint8_t>& bytes) {
  feed(bytes, 0);
}

void TestClient::setChunkSize(uint32_t size) {
  send(protocol::encodeSetChunkSize(size));
  ASSERT_TRUE(writer_.setChunkSize(size).ok());
}

void TestClient::connect(const std::string& app, const std::string& tcUrl) {
  protocol::ConnectParams params;
  params.app = app;
  params.tcUrl = tcUrl.empty() ? "rtmp://127.0.0.1/" + app : tcUrl;
  send(protocol::buildConnect(1, params));
}

uint32_t TestClient::createStream() {
  const double txn = nextTransaction_++;
  takeNew();
  send(protocol::buildCreateStream(txn));
  for (const auto& m : takeNew()) {
    if (!protocol::isCommandMessage(m)) continue;
    auto c = protocol::decodeCommand(m);
    if (!c.ok() || c->name != "_result" || c->transactionId != txn) continue;
    auto r = protocol::parseResult(*c);
    if (r.ok() && r->number()) return static_cast<uint32_t>(*r->number());
  }
  return 0;
}

void TestClient::publish(const std::string& name) {
  send(protocol::buildReleaseStream(nextTransaction_++, name));
  send(protocol::buildFCPublish(nextTransaction_++, name));
  publishStreamId_ = createStream();
  send(protocol::buildPublish(publishStreamId_, name));
}

void TestClient::play(const std::string& name, std::optional<bool> reset) {
  playStreamId_ = createStream();
  send(protocol::buildPlay(playStreamId_, name, -2, -1, reset));
}

void TestClient::sendVideo(uint32_t timestamp, const ByteVec& body) {
  Message m;
  m.csid = protocol::kCsidVideo;
  m.typeId = static_cast<uint8_t>(protocol::MessageType::kVideo);
  m.streamId = publishStreamId_;
  m.timestamp = timestamp;
  m.payload = base::Bytes::copyOf(body);
  send(m);
}

void TestClient::sendAudio(uint32_t timestamp, const ByteVec& body) {
  Message m;
  m.csid = protocol::kCsidAudio;
  m.typeId = static_cast<uint8_t>(protocol::MessageType::kAudio);
  m.streamId = publishStreamId_;
  m.timestamp = timestamp;
  m.payload = base::Bytes::copyOf(body);
  send(m);
}

void TestClient::sendMetadata(uint32_t timestamp) {
  AmfValue meta = AmfValue::ecmaArray({{"width", AmfValue::number(1280)},
                                       {"height", AmfValue::number(720)},
                                       {"framerate", AmfValue::number(25)},
                                       {"videocodecid", AmfValue::number(7)},
                                       {"audiocodecid", AmfValue::number(10)}});
  auto m = protocol::buildSetDataFrame(publishStreamId_, meta);
  ASSERT_TRUE(m.ok());
  m->timestamp = timestamp;
  send(*m);
}

void TestClient::close(base::ErrorCode code, const std::string& why) {
  if (closed_) return;
  closed_ = true;
  auto scope = loop_.enter();
  session_->onClosed(base::Error(code, why));
}

void TestClient::poll() {
  const auto& out = transport_.output();
  if (!handshake_ || !handshake_->done() || readOffset_ >= out.size() || readerError_) return;
  auto fed = reader_.feed(
      std::span<const uint8_t>(out.data() + readOffset_, out.size() - readOffset_), received_);
  readOffset_ = out.size();
  if (!fed.ok()) readerError_ = fed.error();
}

const std::vector<Message>& TestClient::received() {
  poll();
  return received_;
}

std::vector<Message> TestClient::takeNew() {
  poll();
  std::vector<Message> out(received_.begin() + static_cast<ptrdiff_t>(taken_), received_.end());
  taken_ = received_.size();
  return out;
}

std::vector<protocol::Command> TestClient::commands() {
  std::vector<protocol::Command> out;
  for (const auto& m : received()) {
    if (!protocol::isCommandMessage(m)) continue;
    auto c = protocol::decodeCommand(m);
    EXPECT_TRUE(c.ok()) << c.error().toString();
    if (c.ok()) out.push_back(std::move(c).value());
  }
  return out;
}

std::vector<std::string> TestClient::statusCodes() {
  std::vector<std::string> out;
  for (const auto& c : commands()) {
    if (c.name == "onStatus") out.push_back(statusCodeOf(c));
  }
  return out;
}

std::vector<protocol::UserControlEvent> TestClient::userControls() {
  std::vector<protocol::UserControlEvent> out;
  for (const auto& m : received()) {
    if (m.type() != protocol::MessageType::kUserControl) continue;
    auto e = protocol::decodeUserControl(m);
    EXPECT_TRUE(e.ok());
    if (e.ok()) out.push_back(*e);
  }
  return out;
}

std::vector<Message> TestClient::media() {
  std::vector<Message> out;
  for (const auto& m : received()) {
    if (isMedia(m)) out.push_back(m);
  }
  return out;
}

std::vector<Message> TestClient::avMedia() {
  std::vector<Message> out;
  for (const auto& m : received()) {
    if (m.type() == protocol::MessageType::kAudio || m.type() == protocol::MessageType::kVideo) {
      out.push_back(m);
    }
  }
  return out;
}

// ---- LogCapture ----

LogCapture::LogCapture() {
  base::setLogSink(
      [](const base::LogLine& line, void* self) {
        auto& capture = *static_cast<LogCapture*>(self);
        capture.lines_.push_back(std::string(line.component) + ": " + std::string(line.message));
        capture.records_.push_back(
            LogCapture::Record{line.level, line.context.sessionId, std::string(line.context.app),
                               std::string(line.context.stream), std::string(line.message)});
      },
      this);
}

LogCapture::~LogCapture() {
  base::setLogSink(nullptr, nullptr);
}

bool LogCapture::contains(std::string_view text) const {
  return std::any_of(lines_.begin(), lines_.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

// ---- helpers ----

bool isMedia(const Message& m) {
  if (m.type() == protocol::MessageType::kAudio || m.type() == protocol::MessageType::kVideo) {
    return true;
  }
  if (m.type() != protocol::MessageType::kDataAmf0) return false;
  // Data messages are media except the session's own |RtmpSampleAccess.
  auto d = protocol::decodeData(m);
  return !d.ok() || d->name != protocol::commands::kRtmpSampleAccess;
}

std::string statusCodeOf(const protocol::Command& c) {
  const AmfValue* info = c.arg(0);
  if (info == nullptr || !info->isMap()) info = &c.commandObject;
  const AmfValue* code = info->get("code");
  return code ? std::string(code->stringOr("")) : std::string();
}

std::string statusDescriptionOf(const protocol::Command& c) {
  const AmfValue* info = c.arg(0);
  if (info == nullptr || !info->isMap()) info = &c.commandObject;
  const AmfValue* text = info->get("description");
  return text ? std::string(text->stringOr("")) : std::string();
}

ByteVec bytesOf(const Message& m) {
  return ByteVec(m.payload.data(), m.payload.data() + m.payload.size());
}

std::string describe(const Message& m) {
  ByteVec b = bytesOf(m);
  std::string what;
  if (m.type() == protocol::MessageType::kVideo) {
    if (b.size() > 1 && b[1] == 0x00) {
      what = "VH";
    } else {
      what = ((b.empty() ? 0 : b[0] >> 4) == 1 ? "K" : "P") + std::to_string(frameTag(b));
    }
  } else if (m.type() == protocol::MessageType::kAudio) {
    what = (b.size() > 1 && b[1] == 0x00) ? "AH" : "A" + std::to_string(frameTag(b));
  } else {
    auto d = protocol::decodeData(m);
    std::string name = d.ok() ? d->name : "?";
    what = name == "onMetaData" ? "meta" : "data:" + name;
  }
  return what + "@" + std::to_string(m.timestamp);
}

std::vector<std::string> describe(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(describe(m));
  return out;
}

std::vector<std::string> kinds(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    std::string d = describe(m);
    out.push_back(d.substr(0, d.find('@')));
  }
  return out;
}

void publishFrames(TestClient& publisher, uint32_t t0, int from, int to, int gop) {
  for (int i = from; i < to; ++i) {
    auto tag = static_cast<uint8_t>(i);
    uint32_t ts = t0 + 40u * static_cast<uint32_t>(i);
    publisher.sendVideo(ts, i % gop == 0 ? avcKeyframe(tag) : avcInterframe(tag));
    publisher.sendAudio(ts + 20, aacRaw(static_cast<uint8_t>(100 + i)));
  }
}

void publishHeaders(TestClient& publisher, uint32_t timestamp) {
  publisher.sendMetadata(timestamp);
  publisher.sendVideo(timestamp, avcSequenceHeader());
  publisher.sendAudio(timestamp, aacSequenceHeader());
}

}  // namespace rtmp::server::testing
