// Internal to net/: the libuv implementation of Connection (uv_tcp_t).
#pragma once

#include <uv.h>

#include "net/connection.h"
#include "net/uv_util.h"

namespace rtmp::net::detail {

class TcpConnection final : public Connection, public LoopResource {
 public:
  // Loop thread. Wraps an accepted socket with uv_tcp_open. Consumes one
  // connection claim on `loop` (LoopThread::addConnection, made by whoever
  // picked the loop). On failure returns the error, closes the fd and
  // gives the claim back.
  static base::Result<TcpConnection*> adopt(LoopThread& loop, UniqueFd fd,
                                            const SocketAddress& peer);
  static base::Result<Connection*> connect(LoopThread& loop, const std::string& host, uint16_t port,
                                           Callbacks callbacks);

  void start(Callbacks callbacks) override;
  bool write(std::span<const base::Bytes> buffers) override;
  void close(base::Error reason) override;
  void pauseReading() override;
  void resumeReading() override;
  base::Status setKeepAlive(bool enable, unsigned delaySeconds) override;
  uint64_t bytesTaken() const override;

  void shutdown(const base::Error& reason) override { close(reason); }

 private:
  struct WriteRequest;

  explicit TcpConnection(LoopThread& loop) : Connection(loop) {}
  ~TcpConnection() = default;

  void startReading();
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }
  uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&tcp_); }

  static void onAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onWritten(uv_write_t* req, int status);
  static void onConnected(uv_connect_t* req, int status);
  static void onClosed(uv_handle_t* handle);

  uv_tcp_t tcp_;
  uv_connect_t connectReq_;
  Callbacks callbacks_;
  base::Error closeReason_{base::ErrorCode::kClosed};
  bool connecting_ = false;
  bool started_ = false;  // callbacks installed; reading wanted unless paused
};

}  // namespace rtmp::net::detail
