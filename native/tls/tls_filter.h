// TlsFilter: one TLS session over memory BIOs, with no sockets (sans-I/O).
//
//   socket bytes ──feedCiphertext()──▶ [ SSL ] ──▶ plaintext (appended to a vector)
//   plaintext ────writePlaintext()───▶ [ SSL ] ──▶ takeCiphertext() ──▶ socket
//
// Handshake replies and alerts also come out of takeCiphertext(); the caller
// drains it after every call. Nothing blocks: OpenSSL's WANT_READ means "feed
// more bytes", and the write BIO is memory, so WANT_WRITE never stalls.
// Plaintext written before the handshake completes is kept (bounded) and sent
// once it does. Not thread-safe: one filter lives on its session's loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "tls/tls_context.h"

typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace rtmp::tls {

struct TlsFilterOptions {
  // Plaintext held back while the handshake is in progress (or a write is
  // waiting for a retry). Past this writePlaintext() fails.
  size_t maxPendingPlaintext = 16 * 1024 * 1024;
  // Client only: overrides the context's server name (SNI and host check).
  std::string serverName;
};

class TlsFilter {
 public:
  // A client filter has its ClientHello ready in takeCiphertext() on return.
  static base::Result<std::unique_ptr<TlsFilter>> create(std::shared_ptr<const TlsContext> context,
                                                         const TlsFilterOptions& options = {});

  TlsFilter(const TlsFilter&) = delete;
  TlsFilter& operator=(const TlsFilter&) = delete;
  ~TlsFilter();

  // Bytes read from the socket. Decrypted application data is appended to
  // `plaintext`; replies to send appear in takeCiphertext(). After an error
  // the filter is failed and every later call returns the same error (any
  // alert OpenSSL produced is still in takeCiphertext()).
  base::Status feedCiphertext(std::span<const uint8_t> in, std::vector<uint8_t>& plaintext);

  // Application data to encrypt; its records appear in takeCiphertext().
  base::Status writePlaintext(std::span<const uint8_t> data);

  // Everything ready for the socket, emptied.
  base::Bytes takeCiphertext();
  size_t pendingCiphertext() const;
  size_t pendingPlaintext() const { return pending_.size() - pendingHead_; }

  // Produces our close_notify alert (RFC 8446 §6.1); later writes fail. Before
  // the handshake completed there is no session to close and nothing is sent.
  base::Status closeNotify();

  bool handshakeDone() const { return handshakeDone_; }
  // The peer sent close_notify: no more plaintext will come.
  bool peerClosed() const { return peerClosed_; }
  bool failed() const { return failed_; }
  bool isServer() const { return server_; }

  // After the handshake: the negotiated protocol ("TLSv1.3") and cipher.
  std::string protocolVersion() const;
  std::string cipherName() const;

 private:
  TlsFilter(std::shared_ptr<const TlsContext> context, size_t maxPending);

  base::Status checkFirstByte(uint8_t first);
  base::Status driveHandshake();
  base::Status readAll(std::vector<uint8_t>& plaintext);
  base::Status flushPending();
  base::Status fail(base::Error error);
  base::Error sslError(std::string_view what, int ret);

  std::shared_ptr<const TlsContext> context_;
  SSL* ssl_ = nullptr;
  BIO* rbio_ = nullptr;  // ciphertext in  (owned by ssl_)
  BIO* wbio_ = nullptr;  // ciphertext out (owned by ssl_)
  size_t maxPending_;
  bool server_ = false;
  bool sawFirstByte_ = false;
  bool handshakeDone_ = false;
  bool peerClosed_ = false;
  bool sentClose_ = false;
  bool failed_ = false;
  base::Error error_{base::ErrorCode::kOk};

  // Unsent plaintext: bytes [pendingHead_, size) of pending_.
  std::vector<uint8_t> pending_;
  size_t pendingHead_ = 0;
  // Length of an SSL_write that asked to be retried; OpenSSL wants the same
  // length back on retry.
  size_t retryLength_ = 0;
};

}  // namespace rtmp::tls
