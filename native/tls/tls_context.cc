#include "tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <utility>

namespace rtmp::tls {
namespace {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

int versionNumber(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls12:
      return TLS1_2_VERSION;
    case TlsVersion::kTls13:
      return TLS1_3_VERSION;
    case TlsVersion::kAny:
      break;
  }
  return 0;  // OpenSSL: 0 = no bound
}

// Owns an SSL_CTX until it is handed to a TlsContext.
struct CtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxDeleter>;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

Status applyCommon(SSL_CTX* ctx, TlsVersion minVersion, TlsVersion maxVersion,
                   const std::string& cipherList, const std::string& cipherSuites) {
  // TLS 1.0/1.1 are deprecated (RFC 8996); the floor is 1.2 whatever is asked.
  int minV = versionNumber(minVersion);
  if (minV == 0) minV = TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, minV) != 1) {
    return opensslError("set minimum TLS version");
  }
  if (SSL_CTX_set_max_proto_version(ctx, versionNumber(maxVersion)) != 1) {
    return opensslError("set maximum TLS version");
  }
  if (!cipherList.empty() && SSL_CTX_set_cipher_list(ctx, cipherList.c_str()) != 1) {
    return opensslError("cipher list '" + cipherList + "'");
  }
  if (!cipherSuites.empty() && SSL_CTX_set_ciphersuites(ctx, cipherSuites.c_str()) != 1) {
    return opensslError("TLS 1.3 ciphersuites '" + cipherSuites + "'");
  }
  // TlsFilter retries writes from a buffer that may move when it grows, and
  // renegotiation (TLS 1.2) is a known DoS vector with no use for RTMP.
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  return base::okStatus();
}

Status loadChainPem(SSL_CTX* ctx, const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return opensslError("certificate chain PEM");
  X509* leaf = PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr) return opensslError("certificate chain PEM: no certificate");
  int used = SSL_CTX_use_certificate(ctx, leaf);
  X509_free(leaf);
  if (used != 1) return opensslError("certificate chain PEM: leaf certificate");
  // The rest of the PEM text are intermediates, sent after the leaf.
  SSL_CTX_clear_chain_certs(ctx);
  while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
      X509_free(extra);
      return opensslError("certificate chain PEM: intermediate certificate");
    }
  }
  // Running out of certificates leaves a "no start line" error: expected.
  ERR_clear_error();
  return base::okStatus();
}

Status loadKeyPem(SSL_CTX* ctx, const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return opensslError("private key PEM");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return opensslError("private key PEM: no key");
  int used = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  if (used != 1) return opensslError("private key PEM");
  return base::okStatus();
}

}  // namespace

std::string drainOpenSslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    if (!out.empty()) out += "; ";
    out += text;
  }
  if (out.empty()) out = "no OpenSSL error detail";
  return out;
}

base::Error opensslError(std::string_view what) {
  return Error(ErrorCode::kTls, std::string(what) + ": " + drainOpenSslErrors());
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

Result<std::shared_ptr<TlsContext>> TlsContext::createServer(const TlsServerOptions& options) {
  ERR_clear_error();
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return opensslError("create server context");
  RTMP_TRY(applyCommon(ctx.get(), options.minVersion, options.maxVersion, options.cipherList,
                       options.cipherSuites));

  if (!options.certPem.empty()) {
    RTMP_TRY(loadChainPem(ctx.get(), options.certPem));
  } else if (options.certFile.empty()) {
    return Error(ErrorCode::kTls, "server context: no certificate (certFile or certPem)");
  } else if (SSL_CTX_use_certificate_chain_file(ctx.get(), options.certFile.c_str()) != 1) {
    return opensslError("certificate chain file '" + options.certFile + "'");
  }

  if (!options.keyPem.empty()) {
    RTMP_TRY(loadKeyPem(ctx.get(), options.keyPem));
  } else if (options.keyFile.empty()) {
    return Error(ErrorCode::kTls, "server context: no private key (keyFile or keyPem)");
  } else if (SSL_CTX_use_PrivateKey_file(ctx.get(), options.keyFile.c_str(), SSL_FILETYPE_PEM) !=
             1) {
    return opensslError("private key file '" + options.keyFile + "'");
  }

  // use_PrivateKey already refuses most mismatches; this also covers the
  // order key-then-certificate and states the problem plainly.
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return opensslError("private key does not match the certificate");
  }
  return std::shared_ptr<TlsContext>(new TlsContext(ctx.release(), true));
}

Result<std::shared_ptr<TlsContext>> TlsContext::createClient(const TlsClientOptions& options) {
  ERR_clear_error();
  CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return opensslError("create client context");
  RTMP_TRY(applyCommon(ctx.get(), options.minVersion, options.maxVersion, options.cipherList,
                       options.cipherSuites));
  if (options.verifyPeer) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!options.caFile.empty()) {
      if (SSL_CTX_load_verify_locations(ctx.get(), options.caFile.c_str(), nullptr) != 1) {
        return opensslError("CA file '" + options.caFile + "'");
      }
    } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
      return opensslError("default CA store");
    }
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  std::shared_ptr<TlsContext> out(new TlsContext(ctx.release(), false));
  out->verifyPeer_ = options.verifyPeer;
  out->serverName_ = options.serverName;
  return out;
}

}  // namespace rtmp::tls
