// ClientConnection: runs one ClientSession over one net::Connection (the thin
// libuv-facing driver). Create it, use it and destroy it on the loop thread.
//
//   auto c = ClientConnection::open(loop, "127.0.0.1", 1935, config, events);
//   ... events.onStarted → c->sendMedia(...) (publish) or onMedia (play)
//   c->close();  // or destroy it: no event is delivered after destruction
//
// Lifetime: the net::Connection owns and deletes itself (net/connection.h);
// this object keeps a plain pointer, dropped in the connection's onClose.
// The socket callbacks reach this object through a shared Link that the
// destructor clears, so destroying it while the socket is still closing is
// safe. Never destroy it from inside one of its own events (the session is
// mid-feed there): call close() instead.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/error.h"
#include "client/client_session.h"
#include "net/connection.h"
#include "net/loop_thread.h"

namespace rtmp::client {

class ClientConnection {
 public:
  struct Events {
    std::function<void()> onConnected = nullptr;  // TCP connected, C0+C1 on the way
    std::function<void(const protocol::StatusInfo&)> onStatus = nullptr;
    std::function<void(uint32_t streamId)> onStreamCreated = nullptr;  // play/publish sent
    std::function<void()> onStarted = nullptr;                         // Play.Start / Publish.Start
    std::function<void(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload)> onMedia =
        nullptr;
    // Exactly once, last (unless this object was destroyed first): the
    // session failed (its error), the server closed (kClosed), the socket
    // failed (kIo) or close() was called (its reason).
    std::function<void(const base::Error& reason)> onClosed = nullptr;
  };

  // Loop thread. Starts the TCP connect to a numeric host and queues C0+C1.
  static base::Result<std::unique_ptr<ClientConnection>> open(net::LoopThread& loop,
                                                              const std::string& host,
                                                              uint16_t port,
                                                              ClientSessionConfig config,
                                                              Events events);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Publishing: one message; see ClientSession::sendMedia. kClosed once closed.
  base::Status sendMedia(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload);
  // Sends deleteStream (FCUnpublish) when a stream is up, then closes.
  // onClosed(reason) follows from the loop. Idempotent.
  void close(base::Error reason = base::Error(base::ErrorCode::kClosed, "closed locally"));

  bool isOpen() const { return connection_ != nullptr; }
  const ClientSession& session() const { return session_; }
  // Bytes written but not yet taken by the kernel (publisher backpressure).
  size_t queuedBytes() const { return connection_ ? connection_->queuedBytes() : 0; }
  uint64_t bytesRead() const { return connection_ ? connection_->bytesRead() : 0; }

 private:
  struct Link {
    ClientConnection* owner = nullptr;
  };

  ClientConnection(ClientSessionConfig config, Events events);
  void onData(std::span<const uint8_t> bytes);
  void onNetClosed(const base::Error& reason);

  Events events_;
  ClientSession session_;
  std::shared_ptr<Link> link_;
  net::Connection* connection_ = nullptr;
};

}  // namespace rtmp::client
