#include "tls/tls_filter.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <utility>

namespace rtmp::tls {
namespace {

using base::Error;
using base::ErrorCode;
using base::Status;

// TLS record header (RFC 8446 §5.1, same in RFC 5246 §6.2.1):
//   +------+---------+---------+--------+---------+
//   | type | version (2 bytes) | length (2 bytes)  |
//   +------+---------+---------+--------+---------+
// A client's first record carries its ClientHello, so type is 22 (handshake).
constexpr uint8_t kRecordHandshake = 0x16;
// An RTMP client opens with C0, the version byte 3 (RTMP 1.0 spec §5.2.2).
constexpr uint8_t kRtmpVersion = 0x03;

// Largest plaintext of one record (RFC 8446 §5.1): SSL_read never returns more.
constexpr size_t kReadChunk = 16 * 1024;

}  // namespace

TlsFilter::TlsFilter(std::shared_ptr<const TlsContext> context, size_t maxPending)
    : context_(std::move(context)), maxPending_(maxPending) {}

TlsFilter::~TlsFilter() {
  SSL_free(ssl_);
}  // frees both BIOs too

base::Result<std::unique_ptr<TlsFilter>> TlsFilter::create(
    std::shared_ptr<const TlsContext> context, const TlsFilterOptions& options) {
  if (!context) return Error(ErrorCode::kTls, "TLS filter: no context");
  ERR_clear_error();
  std::unique_ptr<TlsFilter> filter(new TlsFilter(context, options.maxPendingPlaintext));
  filter->server_ = context->isServer();
  filter->ssl_ = SSL_new(context->native());
  if (filter->ssl_ == nullptr) return opensslError("TLS filter: SSL_new");
  filter->rbio_ = BIO_new(BIO_s_mem());
  filter->wbio_ = BIO_new(BIO_s_mem());
  if (filter->rbio_ == nullptr || filter->wbio_ == nullptr) {
    BIO_free(filter->rbio_);
    BIO_free(filter->wbio_);
    filter->rbio_ = filter->wbio_ = nullptr;
    return opensslError("TLS filter: memory BIO");
  }
  // An empty read BIO must say "retry" (WANT_READ), not end-of-stream.
  BIO_set_mem_eof_return(filter->rbio_, -1);
  SSL_set_bio(filter->ssl_, filter->rbio_, filter->wbio_);

  if (filter->server_) {
    SSL_set_accept_state(filter->ssl_);
    return filter;
  }
  SSL_set_connect_state(filter->ssl_);
  const std::string& name = options.serverName.empty() ? context->serverName() : options.serverName;
  if (!name.empty()) {
    if (SSL_set_tlsext_host_name(filter->ssl_, name.c_str()) != 1) {
      return opensslError("TLS filter: server name '" + name + "'");
    }
    if (context->verifyPeer() && SSL_set1_host(filter->ssl_, name.c_str()) != 1) {
      return opensslError("TLS filter: host check '" + name + "'");
    }
  }
  // Queue the ClientHello so the caller can send it right away.
  RTMP_TRY(filter->driveHandshake());
  return filter;
}

Status TlsFilter::fail(Error error) {
  failed_ = true;
  error_ = error;
  return error;
}

Error TlsFilter::sslError(std::string_view what, int ret) {
  int code = SSL_get_error(ssl_, ret);
  std::string detail;
  switch (code) {
    case SSL_ERROR_ZERO_RETURN:
      detail = "peer closed the TLS session";
      break;
    case SSL_ERROR_SYSCALL:
      // Memory BIOs make no system calls: this is an unexpected end of data.
      detail = "unexpected end of TLS stream: " + drainOpenSslErrors();
      break;
    default:
      detail = drainOpenSslErrors();
      break;
  }
  long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    detail += " (certificate: ";
    detail += X509_verify_cert_error_string(verify);
    detail += ")";
  }
  return Error(ErrorCode::kTls, std::string(what) + ": " + detail);
}

Status TlsFilter::checkFirstByte(uint8_t first) {
  if (first == kRecordHandshake) return base::okStatus();
  if (first == kRtmpVersion) {
    return Error(ErrorCode::kTls, "not a TLS client hello (plain RTMP on the TLS port?)");
  }
  char text[96];
  std::snprintf(text, sizeof(text), "not a TLS client hello (first byte 0x%02x, expected 0x16)",
                first);
  return Error(ErrorCode::kTls, text);
}

Status TlsFilter::driveHandshake() {
  ERR_clear_error();
  int ret = SSL_do_handshake(ssl_);
  if (ret == 1) {
    handshakeDone_ = true;
    return flushPending();
  }
  int code = SSL_get_error(ssl_, ret);
  if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) return base::okStatus();
  return fail(sslError("TLS handshake failed", ret));
}

Status TlsFilter::feedCiphertext(std::span<const uint8_t> in, std::vector<uint8_t>& plaintext) {
  if (failed_) return error_;
  if (in.empty()) return base::okStatus();
  // Bytes after the peer's close_notify carry nothing we may deliver.
  if (peerClosed_) return base::okStatus();
  if (!sawFirstByte_) {
    sawFirstByte_ = true;
    if (server_) {
      Status first = checkFirstByte(in[0]);
      if (!first.ok()) return fail(std::move(first).error());
    }
  }
  while (!in.empty()) {
    int n = static_cast<int>(std::min<size_t>(in.size(), INT_MAX));
    int wrote = BIO_write(rbio_, in.data(), n);
    if (wrote <= 0) return fail(opensslError("TLS input buffer"));
    in = in.subspan(static_cast<size_t>(wrote));
  }
  if (!handshakeDone_) {
    RTMP_TRY(driveHandshake());
    if (!handshakeDone_) return base::okStatus();
  }
  // Records that followed the handshake in the same input (or are waiting in
  // the read BIO) are application data now.
  return readAll(plaintext);
}

Status TlsFilter::readAll(std::vector<uint8_t>& plaintext) {
  uint8_t buf[kReadChunk];
  for (;;) {
    ERR_clear_error();
    size_t got = 0;
    int ret = SSL_read_ex(ssl_, buf, sizeof(buf), &got);
    if (ret == 1) {
      plaintext.insert(plaintext.end(), buf, buf + got);
      continue;
    }
    int code = SSL_get_error(ssl_, ret);
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) break;
    if (code == SSL_ERROR_ZERO_RETURN) {
      peerClosed_ = true;
      break;
    }
    return fail(sslError("TLS read failed", ret));
  }
  // A read may have unblocked a write that was waiting (e.g. a key update).
  return flushPending();
}

Status TlsFilter::writePlaintext(std::span<const uint8_t> data) {
  if (failed_) return error_;
  if (sentClose_) return Error(ErrorCode::kTls, "TLS write after close_notify");
  if (data.empty()) return base::okStatus();
  if (!handshakeDone_ || pendingPlaintext() > 0) {
    if (pendingPlaintext() + data.size() > maxPending_) {
      return Error(ErrorCode::kTls, "TLS pending plaintext over " + std::to_string(maxPending_) +
                                        " bytes (handshake not complete or peer not reading)");
    }
    pending_.insert(pending_.end(), data.begin(), data.end());
    return handshakeDone_ ? flushPending() : base::okStatus();
  }
  ERR_clear_error();
  size_t written = 0;
  int ret = SSL_write_ex(ssl_, data.data(), data.size(), &written);
  if (ret == 1) return base::okStatus();
  int code = SSL_get_error(ssl_, ret);
  if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
    // OpenSSL keeps its progress and wants the same bytes and length again.
    if (data.size() > maxPending_) {
      return fail(Error(ErrorCode::kTls, "TLS write stalled with more than the pending limit"));
    }
    pending_.assign(data.begin(), data.end());
    pendingHead_ = 0;
    retryLength_ = data.size();
    return base::okStatus();
  }
  return fail(sslError("TLS write failed", ret));
}

Status TlsFilter::flushPending() {
  while (pendingPlaintext() > 0) {
    size_t length = retryLength_ != 0 ? retryLength_ : pendingPlaintext();
    ERR_clear_error();
    size_t written = 0;
    int ret = SSL_write_ex(ssl_, pending_.data() + pendingHead_, length, &written);
    if (ret != 1) {
      int code = SSL_get_error(ssl_, ret);
      if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
        retryLength_ = length;
        return base::okStatus();
      }
      return fail(sslError("TLS write failed", ret));
    }
    retryLength_ = 0;
    pendingHead_ += written;
  }
  pending_.clear();
  pendingHead_ = 0;
  return base::okStatus();
}

Status TlsFilter::closeNotify() {
  if (failed_) return error_;
  if (sentClose_) return base::okStatus();
  sentClose_ = true;
  if (!handshakeDone_) {
    pending_.clear();
    pendingHead_ = 0;
    return base::okStatus();
  }
  RTMP_TRY(flushPending());
  ERR_clear_error();
  int ret = SSL_shutdown(ssl_);
  if (ret >= 0) return base::okStatus();  // 0: sent ours, 1: both sides closed
  int code = SSL_get_error(ssl_, ret);
  if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) return base::okStatus();
  return fail(sslError("TLS close_notify failed", ret));
}

base::Bytes TlsFilter::takeCiphertext() {
  size_t n = BIO_ctrl_pending(wbio_);
  if (n == 0) return {};
  base::BytesBuilder out(n);
  uint8_t* dst = out.extend(n);
  size_t got = 0;
  if (BIO_read_ex(wbio_, dst, n, &got) != 1) got = 0;
  if (got < n) {
    // Cannot happen for a memory BIO; keep what was read and nothing more.
    base::BytesBuilder exact(got);
    exact.append(dst, got);
    return exact.freeze();
  }
  return out.freeze();
}

size_t TlsFilter::pendingCiphertext() const {
  return BIO_ctrl_pending(wbio_);
}

std::string TlsFilter::protocolVersion() const {
  return SSL_get_version(ssl_);
}

std::string TlsFilter::cipherName() const {
  const char* name = SSL_get_cipher_name(ssl_);
  return name ? name : "";
}

}  // namespace rtmp::tls
