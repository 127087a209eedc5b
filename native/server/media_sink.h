// MediaSink: where a player tap writes its media — the connection itself
// (EngineConnection), or a fake in tests. One virtual hop from the tap to the
// thing that holds the bytes, with no session in between.
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace rtmp::server {

class MediaSink {
 public:
  // One media message: `head` then `tail` (tail may be empty). The sink may
  // hold it briefly to gather several messages into one write (mergeWritesMs).
  virtual void writeMedia(const base::Bytes& head, const base::Bytes& tail) = 0;
  // Writes what the sink holds now (a new player's first GOP should not wait).
  virtual void flushMedia() = 0;
  // Bytes handed to the sink (held or queued in the socket) not written yet.
  virtual uint64_t queuedBytes() const = 0;

 protected:
  ~MediaSink() = default;
};

}  // namespace rtmp::server
