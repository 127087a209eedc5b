#include "client/client_connection.h"

#include <utility>

namespace rtmp::client {

ClientConnection::ClientConnection(ClientSessionConfig config, Events events)
    : events_(std::move(events)),
      session_(std::move(config),
               ClientSession::Callbacks{
                   .send =
                       [this](base::Bytes bytes) {
                         if (connection_ != nullptr) connection_->write(bytes);
                       },
                   .onStatus =
                       [this](const protocol::StatusInfo& info) {
                         if (events_.onStatus) events_.onStatus(info);
                       },
                   .onStreamCreated =
                       [this](uint32_t streamId) {
                         if (events_.onStreamCreated) events_.onStreamCreated(streamId);
                       },
                   .onStarted =
                       [this] {
                         if (events_.onStarted) events_.onStarted();
                       },
                   .onMedia =
                       [this](uint8_t typeId, uint32_t timestamp, const base::Bytes& payload) {
                         if (events_.onMedia) events_.onMedia(typeId, timestamp, payload);
                       },
               }),
      link_(std::make_shared<Link>()) {
  link_->owner = this;
}

base::Result<std::unique_ptr<ClientConnection>> ClientConnection::open(net::LoopThread& loop,
                                                                       const std::string& host,
                                                                       uint16_t port,
                                                                       ClientSessionConfig config,
                                                                       Events events) {
  std::unique_ptr<ClientConnection> self(
      new ClientConnection(std::move(config), std::move(events)));
  std::shared_ptr<Link> link = self->link_;
  net::Connection::Callbacks callbacks;
  callbacks.onData = [link](net::Connection&, std::span<const uint8_t> bytes) {
    if (link->owner != nullptr) link->owner->onData(bytes);
  };
  callbacks.onConnect = [link](net::Connection&) {
    if (link->owner != nullptr && link->owner->events_.onConnected) {
      link->owner->events_.onConnected();
    }
  };
  callbacks.onClose = [link](net::Connection&, const base::Error& reason) {
    if (link->owner != nullptr) link->owner->onNetClosed(reason);
  };
  RTMP_ASSIGN(self->connection_, net::Connection::connect(loop, host, port, std::move(callbacks)));
  // C0+C1 are queued until the connect completes.
  base::Status started = self->session_.start();
  if (!started.ok()) {
    self->close(started.error());
  }
  return self;
}

ClientConnection::~ClientConnection() {
  link_->owner = nullptr;
  if (connection_ != nullptr) connection_->close();
}

void ClientConnection::onData(std::span<const uint8_t> bytes) {
  base::Status status = session_.feed(bytes);
  if (!status.ok() && connection_ != nullptr) connection_->close(status.error());
}

void ClientConnection::onNetClosed(const base::Error& reason) {
  connection_ = nullptr;
  if (events_.onClosed) events_.onClosed(reason);
}

base::Status ClientConnection::sendMedia(uint8_t typeId, uint32_t timestamp,
                                         const base::Bytes& payload) {
  if (connection_ == nullptr) return base::Error(base::ErrorCode::kClosed, "connection closed");
  return session_.sendMedia(typeId, timestamp, payload);
}

void ClientConnection::close(base::Error reason) {
  if (connection_ == nullptr || !connection_->isOpen()) return;
  (void)session_.stop();  // best effort: a failed session has nothing polite to send
  connection_->close(std::move(reason));
}

}  // namespace rtmp::client
