// Fuzzes server::Session end to end with in-memory transports and manual
// executors (test/native/server/fake_*.h): no sockets, no threads.
//
// Input: [mode][config][seed u32][stream...]. The stream is cut into pieces at
// points drawn from `seed`; after every piece both fake loops are drained and a
// session that asked to close is closed, as the engine would.
//   mode 0  raw bytes from the very start (handshake included)
//   mode 1  after a valid handshake + connect: raw chunk stream
//   mode 2  after handshake, connect, createStream, publish "s": raw chunk
//           stream, with one player on each loop watching "s"
//   mode 3  the same publisher, fed structured media operations (see
//           runMediaOps) so ingest, the GOP cache, fan-out and the player drop
//           policy are reached with valid chunking
//   mode 4  after handshake, connect, createStream, play "s": raw chunk stream
//           from the player while a scripted publisher streams to it
//   mode 5  config.authHook on: publish "s" awaits the host, raw chunk stream
//           behind it (held by the session), then after piece [u8] the verdict
//           [u8]: bit 0 allow, bit 1 the deadline passes instead (bit 2:
//           authTimeoutAllows); one player on the other loop, allowed at once
//   mode 6  as mode 1, but the peer never reads (its transport stalls after
//           connect) and the output budget is small (4 KiB): replies pile up
//           until the session closes itself (EngineConfig::maxPendingOutputBytes)
//
// Checks beyond ASan/UBSan: after the sessions are closed and the loops
// drained, no stream is left in the registry and no tap on any loop. With
// SESSION_FUZZ_CHECK_OUTPUT=1 in the environment, everything a session wrote
// after the handshake must also decode with protocol::ChunkReader.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "../test/native/server/fake_loop.h"
#include "../test/native/server/fake_transport.h"
#include "base/log.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "protocol/user_control.h"
#include "server/session.h"
#include "server/stream_registry.h"

namespace {

using namespace rtmp;
using server::testing::FakeLoop;
using server::testing::MemoryTransport;
using Buffer = std::vector<uint8_t>;

constexpr size_t kServerHandshakeSize = 1 + 1536 + 1536;  // S0 + S1 + S2

const bool kCheckOutput = std::getenv("SESSION_FUZZ_CHECK_OUTPUT") != nullptr;
// SESSION_FUZZ_VERBOSE=1: one line per peer (bytes written, closed) for corpus work.
const bool kVerbose = std::getenv("SESSION_FUZZ_VERBOSE") != nullptr;

server::EngineConfig configFrom(uint8_t bits) {
  server::EngineConfig c;
  c.streams.gopCache = (bits & 1) == 0;
  c.waitForPublisher = (bits & 2) == 0;
  c.streams.timestampMode = static_cast<server::TimestampMode>((bits >> 2) % 3);
  if (bits & 0x10) c.playerQueueMs = 200;
  if (bits & 0x20) c.playerQueueMaxBytes = 8192;
  if (bits & 0x40) c.streams.gopLimits.maxFrames = 8;
  if (bits & 0x80) c.streams.outChunkSize = 128;
  return c;
}

struct World {
  explicit World(server::EngineConfig c)
      : config(c),
        registry(config.streams),
        env{config, registry, table, nullptr, [] { return 1000; }, [] { return 1000; }} {}
  server::EngineConfig config;
  server::StreamRegistry registry;
  server::SessionTable table;
  server::SessionEnvironment env;
  FakeLoop loopA{0};
  FakeLoop loopB{1};
};

// One connection: a Session plus the client-side writer that built its prefix.
class Peer {
 public:
  Peer(World& world, FakeLoop& loop, uint64_t id) : loop_(loop), transport_(loop) {
    auto info = world.table.add(id, "198.51.100.1", 1, loop.index(), &loop, 0);
    auto scope = loop_.enter();
    session_ = std::make_unique<server::Session>(id, server::PeerInfo{"198.51.100.1", 1},
                                                 transport_, world.env, std::move(info));
  }
  ~Peer() { close(); }

  void feed(std::span<const uint8_t> bytes) {
    if (closed_ || bytes.empty()) return;
    {
      auto scope = loop_.enter();
      session_->onBytes(bytes);
    }
    // closeAfterFlush: the engine closes the socket soon after.
    if (transport_.closeCalls() > 0) close();
  }
  void send(const base::Result<protocol::Message>& m) {
    if (!m.ok()) return;
    base::BytesBuilder out(256);
    if (!writer_.write(*m, out).ok()) return;
    base::Bytes b = out.freeze();
    feed(b.span());
  }
  void handshake() {
    Buffer c0c1(1537, 0);
    c0c1[0] = 3;  // version; time and zero fields 0: a simple C1
    for (size_t i = 9; i < c0c1.size(); ++i) c0c1[i] = static_cast<uint8_t>(i * 7);
    feed(c0c1);
    Buffer c2(1536, 0x5A);
    feed(c2);
  }
  void connect() {
    protocol::ConnectParams p;
    p.app = "live";
    p.tcUrl = "rtmp://fuzz/live";
    send(protocol::buildConnect(1, p));
  }
  void publish() {
    send(protocol::buildCreateStream(2));
    send(protocol::buildPublish(1, "s"));
  }
  void play() {
    send(protocol::buildCreateStream(2));
    send(protocol::buildPlay(1, "s"));
  }
  // The host's verdict on the session's first authorization request, or
  // (verdict bit 1) its deadline passing unanswered.
  void answerAuth(uint8_t verdict) {
    if (closed_) return;
    {
      auto scope = loop_.enter();
      if (verdict & 2) {
        session_->checkAuthDeadline(uint64_t{1} << 40);
      } else {
        session_->onAuthAnswer(
            1, server::AuthAnswer{
                   .allow = (verdict & 1) != 0, .name = "", .reason = "fuzz", .taps = {}});
      }
    }
    if (transport_.closeCalls() > 0) close();
  }
  void close() {
    if (closed_) return;
    closed_ = true;
    if (kVerbose) {
      std::fprintf(stderr, "peer: %zu bytes out, %zu writes, closeAfterFlush %d\n",
                   transport_.output().size(), transport_.writes().size(), transport_.closeCalls());
    }
    auto scope = loop_.enter();
    session_->onClosed(base::Error(base::ErrorCode::kClosed, "fuzz"));
  }
  void checkOutput() {
    if (!kCheckOutput || !session_->handshakeDone()) return;
    const Buffer& out = transport_.output();
    if (checked_ < kServerHandshakeSize) checked_ = kServerHandshakeSize;
    if (out.size() <= checked_) return;
    std::vector<protocol::Message> messages;
    auto fed = reader_.feed(std::span<const uint8_t>(out.data() + checked_, out.size() - checked_),
                            messages);
    checked_ = out.size();
    if (!fed.ok()) std::abort();  // the server wrote a chunk stream its own reader refuses
  }

  MemoryTransport& transport() { return transport_; }
  protocol::ChunkWriter& writer() { return writer_; }
  bool closed() const { return closed_; }

 private:
  FakeLoop& loop_;
  MemoryTransport transport_;
  std::unique_ptr<server::Session> session_;
  protocol::ChunkWriter writer_;
  protocol::ChunkReader reader_;
  size_t checked_ = 0;
  bool closed_ = false;
};

// Reads the input front to back; past the end every read is zero/empty.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t remaining() const { return size_ - pos_; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  int8_t i8() { return static_cast<int8_t>(u8()); }
  uint32_t u32() {  // little-endian
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i);
    return v;
  }
  Buffer bytes(size_t n) {
    n = std::min(n, remaining());
    Buffer out(data_ + pos_, data_ + pos_ + n);
    pos_ += n;
    return out;
  }
  Buffer rest() { return bytes(remaining()); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Deterministic piece lengths from the seed (xorshift32).
class Splitter {
 public:
  explicit Splitter(uint32_t seed) : state_(seed | 1) {}
  size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    // Mostly small cuts (inside headers), sometimes large ones.
    return (state_ & 0x100) ? 1 + (state_ % 4096) : 1 + (state_ % 24);
  }

 private:
  uint32_t state_;
};

void drain(World& w) {
  while (w.loopA.drain() + w.loopB.drain() > 0) {
  }
}

// FLV tag body prefixes the structured mode puts in front of fuzz bytes.
const Buffer kTemplates[] = {
    {0x17, 0x01, 0x00, 0x00, 0x00},  // AVC keyframe NALUs
    {0x27, 0x01, 0x00, 0x00, 0x00},  // AVC inter frame NALUs
    {0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1,
     0x00, 0x04, 0x67, 0x64, 0x00, 0x1F, 0x01, 0x00, 0x01, 0x68},  // AVC sequence header (tiny SPS)
    {0xAF, 0x00, 0x12, 0x10},                                      // AAC sequence header
    {0xAF, 0x01},                                                  // AAC raw
    {0x02, 0x00, 0x0D, '@',  's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r', 'a', 'm',
     'e',  0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a', 0x08},  // metadata
    {0x9C, 'h', 'v', 'c', '1'},  // E-RTMP HEVC coded frames (key)
    {},                          // raw
};

// Structured operations for a publisher (and the players watching it):
//   op u8: bits 0-2 what, bits 3-5 template, bit 6 big payload, bit 7 jump
//   what 0-2  media message: type video/audio/data, then ts step i8 (or a
//             u32 absolute time when bit 7), then length u8 (x37 when bit 6)
//   what 3    aggregate of the next (length) bytes
//   what 4    player control: next byte picks stall/unstall/pause/unpause/
//             receiveVideo/receiveAudio/close
//   what 5    drain the loops
//   what 6    a ping / window ack / set chunk size from the publisher
//   what 7    publisher leaves and a new one publishes "s" (3 times at most:
//             a new connection costs a handshake, which slows every run)
void runMediaOps(World& w, Input& in, std::unique_ptr<Peer>& pub, Peer& playerA, Peer& playerB,
                 uint64_t& nextId) {
  uint32_t ts = 0;
  int republishes = 0;
  while (in.remaining() > 0) {
    const uint8_t op = in.u8();
    const uint8_t what = op & 7;
    if (what <= 3) {
      if (op & 0x80) {
        ts = in.u32();
      } else {
        ts += static_cast<uint32_t>(static_cast<int32_t>(in.i8()));
      }
      size_t length = in.u8() * ((op & 0x40) ? 37u : 1u);
      Buffer payload = kTemplates[(op >> 3) & 7];
      Buffer body = in.bytes(length);
      payload.insert(payload.end(), body.begin(), body.end());
      protocol::Message m;
      static constexpr uint8_t kTypes[] = {9, 8, 18, 22};
      m.typeId = kTypes[what];
      m.csid = what == 1 ? 4 : 6;
      m.streamId = 1;
      m.timestamp = ts;
      m.payload = base::Bytes::copyOf(payload);
      pub->send(m);
    } else if (what == 4) {
      const uint8_t action = in.u8();
      Peer& player = (action & 0x80) ? playerB : playerA;
      protocol::Command c;
      c.args = {protocol::AmfValue::boolean(action & 0x08), protocol::AmfValue::number(0)};
      switch (action & 7) {
        case 0:
          player.transport().stall(true);
          break;
        case 1:
          player.transport().stall(false);
          break;
        case 2:
          c.name = "pause";
          break;
        case 3:
          c.name = "receiveVideo";
          break;
        case 4:
          c.name = "receiveAudio";
          break;
        case 5:
          player.close();
          break;
        default:
          player.transport().setQueuedBytes(in.u32());
          break;
      }
      if (!c.name.empty()) player.send(protocol::encodeCommand(c, protocol::kCsidNetStream, 1));
    } else if (what == 5) {
      drain(w);
    } else if (what == 6) {
      const uint32_t value = in.u32();
      switch (op >> 6) {
        case 0:
          pub->send(protocol::encodePingRequest(value));
          break;
        case 1:
          pub->send(protocol::encodeWindowAckSize(value));
          break;
        default: {
          const uint32_t size = 1 + value % 65536;
          pub->send(protocol::encodeSetChunkSize(size));
          (void)pub->writer().setChunkSize(size);
          break;
        }
      }
    } else if (republishes++ < 3) {
      pub->close();
      drain(w);
      pub = std::make_unique<Peer>(w, w.loopA, nextId++);
      pub->handshake();
      pub->connect();
      pub->publish();
    }
    pub->checkOutput();
    playerA.checkOutput();
    playerB.checkOutput();
  }
}

// The publisher mode 4 uses between pieces of the player's input.
void scriptedMedia(Peer& pub, uint32_t& ts, uint32_t step) {
  protocol::Message m;
  m.streamId = 1;
  m.csid = 6;
  m.typeId = 9;
  m.timestamp = ts;
  m.payload = base::Bytes::copyOf(step % 5 == 0 ? Buffer{0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65}
                                                : Buffer{0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41});
  pub.send(m);
  m.csid = 4;
  m.typeId = 8;
  m.payload = base::Bytes::copyOf(Buffer{0xAF, 0x01, 0x21, 0x10});
  pub.send(m);
  if (step % 7 == 3) {
    m.csid = 6;
    m.typeId = 18;
    m.payload = base::Bytes::copyOf(
        Buffer{0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a', 0x05});
    pub.send(m);
  }
  ts += 40;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  base::setLogLevel(base::LogLevel::kError);  // closing sessions log warnings; keep runs quiet
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 6) return 0;
  Input in(data, size);
  const uint8_t mode = in.u8() % 7;
  server::EngineConfig config = configFrom(in.u8());
  const uint32_t seed = in.u32();
  uint8_t answerAt = 0;
  uint8_t verdict = 0;
  if (mode == 5) {
    answerAt = in.u8();
    verdict = in.u8();
    config.authHook = true;
    config.authTimeoutAllows = (verdict & 4) != 0;
  }
  if (mode == 6) config.maxPendingOutputBytes = 4096;
  World w(config);
  Splitter splitter(seed);
  uint64_t nextId = 1;
  {
    std::unique_ptr<Peer> main = std::make_unique<Peer>(w, w.loopA, nextId++);
    std::optional<Peer> playerA, playerB, scripted;
    if (mode >= 1) {
      main->handshake();
      main->connect();
    }
    if (mode == 6) main->transport().stall(true);
    if (mode == 2 || mode == 3) {
      playerA.emplace(w, w.loopA, nextId++);
      playerB.emplace(w, w.loopB, nextId++);
      for (Peer* p : {&*playerA, &*playerB}) {
        p->handshake();
        p->connect();
        p->play();
      }
      main->publish();
    }
    if (mode == 5) {
      playerB.emplace(w, w.loopB, nextId++);
      playerB->handshake();
      playerB->connect();
      playerB->play();
      playerB->answerAuth(1);  // allowed: waits for the publisher
      main->publish();         // held until answerAuth below
    }
    if (mode == 4) {
      scripted.emplace(w, w.loopB, nextId++);
      scripted->handshake();
      scripted->connect();
      scripted->publish();
      main->play();
    }

    if (mode == 3) {
      runMediaOps(w, in, main, *playerA, *playerB, nextId);
    } else {
      const Buffer stream = in.rest();
      uint32_t ts = 0;
      uint32_t step = 0;
      size_t pieces = 0;
      for (size_t offset = 0; offset < stream.size();) {
        const size_t n = std::min(splitter.next(), stream.size() - offset);
        main->feed(std::span<const uint8_t>(stream.data() + offset, n));
        offset += n;
        if (mode == 5 && pieces++ == answerAt) main->answerAuth(verdict);
        if (scripted) scriptedMedia(*scripted, ts, step++);
        drain(w);
        main->checkOutput();
        if (playerA) playerA->checkOutput();
        if (playerB) playerB->checkOutput();
      }
    }
    if (mode == 5) main->answerAuth(verdict);  // the stream ended first (or: ignored, answered)
    drain(w);
    main->checkOutput();
    // Teardown in the engine's way: every connection closes, loops run dry.
    main->close();
    if (playerA) playerA->close();
    if (playerB) playerB->close();
    if (scripted) scripted->close();
    drain(w);
  }
  if (w.registry.size() != 0 || !w.loopA.fanouts().empty() || !w.loopB.fanouts().empty()) {
    std::abort();  // a stream or a tap outlived every session
  }
  return 0;
}
