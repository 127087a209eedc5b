// Test helpers: self-signed certificates made with OpenSSL at test time (no
// key material checked in), written as PEM files into a temporary directory,
// and a pump that moves bytes between two TlsFilters.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tls/tls_filter.h"

namespace rtmp::tls::testing {

// A P-256 key and a certificate for "localhost" signed by that key. It marks
// itself as a CA so the same file can serve as the client's trust anchor.
struct SelfSigned {
  std::string certPem;
  std::string keyPem;
};

inline std::string keyToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

inline void addExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

inline SelfSigned makeSelfSigned(const char* commonName = "localhost") {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) throw std::runtime_error("keygen failed");
  X509* cert = X509_new();
  X509_set_version(cert, 2);  // v3, for the extensions
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(commonName), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  addExtension(cert, NID_basic_constraints, "critical,CA:TRUE");
  addExtension(cert, NID_subject_alt_name, (std::string("DNS:") + commonName).c_str());
  X509_sign(cert, key, EVP_sha256());

  SelfSigned out;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  out.certPem.assign(data, static_cast<size_t>(n));
  BIO_free(bio);
  out.keyPem = keyToPem(key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

inline std::string otherKeyPem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  std::string pem = keyToPem(key);
  EVP_PKEY_free(key);
  return pem;
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rtmp-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::string file = (path_ / name).string();
    FILE* f = std::fopen(file.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot write " + file);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return file;
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Moves ciphertext from one filter into the other, in random pieces of
// 1..maxPiece bytes, collecting the plaintext the receiver yields.
inline base::Status transfer(TlsFilter& from, TlsFilter& to, std::vector<uint8_t>& plaintext,
                             std::mt19937& rng, size_t maxPiece) {
  base::Bytes bytes = from.takeCiphertext();
  std::uniform_int_distribution<size_t> piece(1, maxPiece);
  size_t at = 0;
  while (at < bytes.size()) {
    size_t n = std::min(piece(rng), bytes.size() - at);
    RTMP_TRY(to.feedCiphertext(bytes.span().subspan(at, n), plaintext));
    at += n;
  }
  return base::okStatus();
}

struct Pumped {
  std::vector<uint8_t> atClient;  // plaintext the client received
  std::vector<uint8_t> atServer;  // plaintext the server received
};

// Pumps both ways until neither side has bytes to send (bounded rounds).
// Returns the first error either side reported.
inline base::Status pump(TlsFilter& client, TlsFilter& server, Pumped& got, std::mt19937& rng,
                         size_t maxPiece = 64 * 1024) {
  for (int round = 0; round < 64; ++round) {
    if (client.pendingCiphertext() == 0 && server.pendingCiphertext() == 0) {
      return base::okStatus();
    }
    RTMP_TRY(transfer(client, server, got.atServer, rng, maxPiece));
    RTMP_TRY(transfer(server, client, got.atClient, rng, maxPiece));
  }
  return base::Error(base::ErrorCode::kTls, "pump did not settle in 64 rounds");
}

}  // namespace rtmp::tls::testing
