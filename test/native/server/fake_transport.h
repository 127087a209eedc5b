// MemoryTransport: the SessionTransport of a session under test. Every write()
// is recorded as one Write (the buffers concatenated), so a test can look at
// the chunk header a message started with; the whole output is also kept as
// one byte string for the test client's ChunkReader.
//
// queuedBytes() is what the test says: a fixed figure, or "stalled" mode where
// every byte written since stall(true) counts as still queued (a peer that
// stopped reading). pendingControlBytes() counts, in stalled mode, the bytes
// of write() since stall(true), not those of writeMedia(). closeAfterFlush() is recorded; the test
// decides when the "connection" really closes (Session::onClosed).
//
// Header-only and free of GoogleTest so fuzz/session_fuzzer.cc can use it too.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "fake_loop.h"
#include "server/session.h"

namespace rtmp::server::testing {

class MemoryTransport : public SessionTransport {
 public:
  struct Write {
    std::vector<uint8_t> bytes;
    size_t buffers = 0;  // how many Bytes the session handed over in this call
  };

  explicit MemoryTransport(FakeLoop& loop) : loop_(loop) {}

  void write(std::vector<base::Bytes>&& buffers) override {
    const size_t before = output_.size();
    record(buffers);
    if (stalled_) pendingControl_ += output_.size() - before;
  }
  void writeMedia(const base::Bytes& head, const base::Bytes& tail) override {
    std::vector<base::Bytes> buffers{head};
    if (!tail.empty()) buffers.push_back(tail);
    record(buffers);
  }
  uint64_t queuedBytes() const override { return queued_; }
  uint64_t pendingControlBytes() const override { return pendingControl_; }
  void closeAfterFlush(const base::Error& reason) override {
    ++closeCalls_;
    if (!closeReason_) closeReason_ = reason;
  }
  LoopServices& loopServices() override { return loop_; }

  FakeLoop& fakeLoop() { return loop_; }
  const std::vector<Write>& writes() const { return writes_; }
  const std::vector<uint8_t>& output() const { return output_; }

  // Socket backlog as the player tap sees it.
  void setQueuedBytes(uint64_t bytes) { queued_ = bytes; }
  // stall(true): from now on written bytes pile up in queuedBytes();
  // stall(false): the peer caught up (queuedBytes() back to 0).
  void stall(bool stalled) {
    stalled_ = stalled;
    if (!stalled) {
      queued_ = 0;
      pendingControl_ = 0;
    }
  }

  // The write timeout's measure: with setWriteStalledSince(t), a peer that has
  // taken nothing since t — writeStalledMs() is the time since, while bytes
  // are queued; nullopt (the default): the peer reads.
  void setWriteStalledSince(std::optional<uint64_t> sinceMs) { stalledSince_ = sinceMs; }
  uint64_t writeStalledMs(uint64_t nowMs) override {
    if (!stalledSince_ || queued_ == 0 || nowMs <= *stalledSince_) return 0;
    return nowMs - *stalledSince_;
  }

  int closeCalls() const { return closeCalls_; }
  const std::optional<base::Error>& closeReason() const { return closeReason_; }

 private:
  void record(const std::vector<base::Bytes>& buffers) {
    Write w;
    w.buffers = buffers.size();
    for (const base::Bytes& b : buffers) {
      w.bytes.insert(w.bytes.end(), b.data(), b.data() + b.size());
    }
    output_.insert(output_.end(), w.bytes.begin(), w.bytes.end());
    if (stalled_) queued_ += w.bytes.size();
    writes_.push_back(std::move(w));
  }

  FakeLoop& loop_;
  std::vector<Write> writes_;
  std::vector<uint8_t> output_;
  uint64_t queued_ = 0;
  uint64_t pendingControl_ = 0;
  bool stalled_ = false;
  std::optional<uint64_t> stalledSince_;
  int closeCalls_ = 0;
  std::optional<base::Error> closeReason_;
};

}  // namespace rtmp::server::testing
