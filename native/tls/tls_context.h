// TlsContext: one configured OpenSSL SSL_CTX (server or client side).
//
// A context is built once from options and never changed afterwards, so it can
// be shared by every loop thread. Reloading certificates means building a new
// context and swapping the shared_ptr used for new connections; live sessions
// keep the context they started with (TlsFilter holds a reference).
#pragma once

#include <memory>
#include <string>

#include "base/error.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace rtmp::tls {

enum class TlsVersion { kAny, kTls12, kTls13 };

struct TlsServerOptions {
  // The certificate chain (leaf first) and private key, either as PEM files
  // (paths) or as PEM text. When a *Pem string is set it wins over the path.
  std::string certFile;
  std::string keyFile;
  std::string certPem;
  std::string keyPem;
  TlsVersion minVersion = TlsVersion::kTls12;
  TlsVersion maxVersion = TlsVersion::kAny;  // kAny = highest the library knows
  std::string cipherList;                    // TLS 1.2 and below, OpenSSL cipher-list syntax
  std::string cipherSuites;                  // TLS 1.3, colon-separated suite names
};

struct TlsClientOptions {
  bool verifyPeer = true;
  // Trust anchors for verification; empty = the system default store.
  std::string caFile;
  // Sent as SNI and, when verifying, checked against the certificate names.
  std::string serverName;
  TlsVersion minVersion = TlsVersion::kTls12;
  TlsVersion maxVersion = TlsVersion::kAny;
  std::string cipherList;
  std::string cipherSuites;
};

class TlsContext {
 public:
  static base::Result<std::shared_ptr<TlsContext>> createServer(const TlsServerOptions& options);
  static base::Result<std::shared_ptr<TlsContext>> createClient(const TlsClientOptions& options);

  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  ~TlsContext();

  // The configured context; callers only create SSL objects from it.
  SSL_CTX* native() const { return ctx_; }
  bool isServer() const { return server_; }
  bool verifyPeer() const { return verifyPeer_; }
  const std::string& serverName() const { return serverName_; }

 private:
  TlsContext(SSL_CTX* ctx, bool server) : ctx_(ctx), server_(server) {}

  SSL_CTX* ctx_;
  bool server_;
  bool verifyPeer_ = false;
  std::string serverName_;
};

// Empties this thread's OpenSSL error queue into one "; "-joined string
// ("no OpenSSL error detail" when it was empty).
std::string drainOpenSslErrors();

// base::Error(kTls, "<what>: <drained OpenSSL errors>").
base::Error opensslError(std::string_view what);

}  // namespace rtmp::tls
