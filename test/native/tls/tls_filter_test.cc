#include "tls/tls_filter.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "tls/test_certs.h"

namespace rtmp::tls {
namespace {

using base::ErrorCode;
using testing::makeSelfSigned;
using testing::pump;
using testing::Pumped;
using testing::SelfSigned;
using testing::TempDir;

class TlsFilterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    cert_ = new SelfSigned(makeSelfSigned("localhost"));
    certFile_ = dir_->write("cert.pem", cert_->certPem);
    keyFile_ = dir_->write("key.pem", cert_->keyPem);
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete dir_;
  }

  static std::shared_ptr<TlsContext> serverContext(TlsServerOptions options = {}) {
    options.certFile = certFile_;
    options.keyFile = keyFile_;
    auto ctx = TlsContext::createServer(options);
    EXPECT_TRUE(ctx.ok()) << ctx.error().toString();
    return ctx.ok() ? *ctx : nullptr;
  }
  // Default client: no verification (the self-signed case is tested apart).
  static std::shared_ptr<TlsContext> clientContext(TlsClientOptions options = noVerify()) {
    auto ctx = TlsContext::createClient(options);
    EXPECT_TRUE(ctx.ok()) << ctx.error().toString();
    return ctx.ok() ? *ctx : nullptr;
  }
  static TlsClientOptions noVerify() {
    TlsClientOptions options;
    options.verifyPeer = false;
    return options;
  }
  static std::unique_ptr<TlsFilter> filter(std::shared_ptr<TlsContext> ctx,
                                           const TlsFilterOptions& options = {}) {
    auto f = TlsFilter::create(std::move(ctx), options);
    EXPECT_TRUE(f.ok()) << f.error().toString();
    return f.ok() ? std::move(*f) : nullptr;
  }

  static std::vector<uint8_t> randomBytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> out(n);
    for (auto& b : out) b = static_cast<uint8_t>(rng());
    return out;
  }

  static inline TempDir* dir_ = nullptr;
  static inline SelfSigned* cert_ = nullptr;
  static inline std::string certFile_, keyFile_;
  std::mt19937 rng_{12345};
};

TEST_F(TlsFilterTest, ClientHelloIsReadyAfterCreate) {
  auto client = filter(clientContext());
  ASSERT_TRUE(client);
  base::Bytes hello = client->takeCiphertext();
  ASSERT_GE(hello.size(), 5u);
  EXPECT_EQ(hello[0], 0x16);  // record type: handshake
  EXPECT_EQ(hello[1], 0x03);  // legacy record version major
  EXPECT_FALSE(client->handshakeDone());
}

TEST_F(TlsFilterTest, HandshakeCompletes) {
  auto client = filter(clientContext());
  auto server = filter(serverContext());
  ASSERT_TRUE(client && server);
  Pumped got;
  auto status = pump(*client, *server, got, rng_);
  ASSERT_TRUE(status.ok()) << status.error().toString();
  EXPECT_TRUE(client->handshakeDone());
  EXPECT_TRUE(server->handshakeDone());
  EXPECT_EQ(client->protocolVersion(), "TLSv1.3");
  EXPECT_TRUE(got.atClient.empty());
  EXPECT_TRUE(got.atServer.empty());
}

TEST_F(TlsFilterTest, HandshakeInOneBytePieces) {
  auto client = filter(clientContext());
  auto server = filter(serverContext());
  Pumped got;
  auto status = pump(*client, *server, got, rng_, 1);
  ASSERT_TRUE(status.ok()) << status.error().toString();
  EXPECT_TRUE(client->handshakeDone());
  EXPECT_TRUE(server->handshakeDone());
}

TEST_F(TlsFilterTest, OneMebibyteEachWayByteExactInSmallPieces) {
  auto client = filter(clientContext());
  auto server = filter(serverContext());
  Pumped got;
  ASSERT_TRUE(pump(*client, *server, got, rng_).ok());
  const auto up = randomBytes(1 << 20, 1);
  const auto down = randomBytes(1 << 20, 2);
  // Writes of uneven sizes, ciphertext delivered in 1..300-byte pieces.
  std::uniform_int_distribution<size_t> writeSize(1, 40000);
  for (size_t at = 0; at < up.size();) {
    size_t n = std::min(writeSize(rng_), up.size() - at);
    ASSERT_TRUE(client->writePlaintext(std::span(up).subspan(at, n)).ok());
    ASSERT_TRUE(server->writePlaintext(std::span(down).subspan(at, n)).ok());
    at += n;
    auto status = pump(*client, *server, got, rng_, 300);
    ASSERT_TRUE(status.ok()) << status.error().toString();
  }
  EXPECT_EQ(got.atServer, up);
  EXPECT_EQ(got.atClient, down);
}

TEST_F(TlsFilterTest, PlaintextWrittenBeforeHandshakeIsFlushedAfter) {
  auto client = filter(clientContext());
  auto server = filter(serverContext());
  const auto early = randomBytes(100000, 3);
  ASSERT_TRUE(client->writePlaintext(early).ok());
  EXPECT_EQ(client->pendingPlaintext(), early.size());
  Pumped got;
  auto status = pump(*client, *server, got, rng_, 1000);
  ASSERT_TRUE(status.ok()) << status.error().toString();
  EXPECT_EQ(client->pendingPlaintext(), 0u);
  EXPECT_EQ(got.atServer, early);
}

TEST_F(TlsFilterTest, PendingPlaintextOverLimitIsRefused) {
  TlsFilterOptions options;
  options.maxPendingPlaintext = 1000;
  auto client = filter(clientContext(), options);
  ASSERT_TRUE(client->writePlaintext(randomBytes(1000, 4)).ok());
  auto status = client->writePlaintext(randomBytes(1, 5));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kTls);
  EXPECT_NE(status.error().message().find("pending plaintext"), std::string::npos);
  EXPECT_EQ(client->pendingPlaintext(), 1000u);
}

TEST_F(TlsFilterTest, CloseNotifyReachesPeer) {
  auto client = filter(clientContext());
  auto server = filter(serverContext());
  Pumped got;
  ASSERT_TRUE(pump(*client, *server, got, rng_).ok());
  ASSERT_TRUE(client->writePlaintext(randomBytes(10, 6)).ok());
  ASSERT_TRUE(client->closeNotify().ok());
  auto status = pump(*client, *server, got, rng_);
  ASSERT_TRUE(status.ok()) << status.error().toString();
  EXPECT_EQ(got.atServer.size(), 10u);  // data sent before the alert still arrives
  EXPECT_TRUE(server->peerClosed());
  EXPECT_FALSE(client->peerClosed());
  // The server answers with its own close_notify.
  ASSERT_TRUE(server->closeNotify().ok());
  ASSERT_TRUE(pump(*client, *server, got, rng_).ok());
  EXPECT_TRUE(client->peerClosed());
}

TEST_F(TlsFilterTest, WriteAfterCloseNotifyFails) {
  auto client = filter(clientContext());
  auto server = filter(serverContext());
  Pumped got;
  ASSERT_TRUE(pump(*client, *server, got, rng_).ok());
  ASSERT_TRUE(client->closeNotify().ok());
  auto status = client->writePlaintext(randomBytes(1, 7));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kTls);
}

TEST_F(TlsFilterTest, PlainRtmpOnTlsPortGivesClearError) {
  auto server = filter(serverContext());
  // RTMP C0 (version 3) followed by C1 (1536 bytes: time, zero, random).
  std::vector<uint8_t> c0c1(1 + 1536, 0);
  c0c1[0] = 0x03;
  std::vector<uint8_t> plaintext;
  auto status = server->feedCiphertext(c0c1, plaintext);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kTls);
  EXPECT_EQ(status.error().message(), "not a TLS client hello (plain RTMP on the TLS port?)");
  EXPECT_TRUE(server->failed());
}

TEST_F(TlsFilterTest, OtherFirstByteNamesTheByte) {
  auto server = filter(serverContext());
  const uint8_t get[] = {'G', 'E', 'T', ' ', '/'};
  std::vector<uint8_t> plaintext;
  auto status = server->feedCiphertext(get, plaintext);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("first byte 0x47"), std::string::npos)
      << status.error().message();
}

TEST_F(TlsFilterTest, ErrorIsStickyAfterFailure) {
  auto server = filter(serverContext());
  const uint8_t c0 = 0x03;
  std::vector<uint8_t> plaintext;
  ASSERT_FALSE(server->feedCiphertext({&c0, 1}, plaintext).ok());
  const uint8_t hello = 0x16;
  auto again = server->feedCiphertext({&hello, 1}, plaintext);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message().find("plain RTMP"), std::string::npos);
  EXPECT_FALSE(server->writePlaintext(randomBytes(1, 8)).ok());
}

TEST_F(TlsFilterTest, CorruptRecordAfterHandshakeFails) {
  auto client = filter(clientContext());
  auto server = filter(serverContext());
  Pumped got;
  ASSERT_TRUE(pump(*client, *server, got, rng_).ok());
  ASSERT_TRUE(client->writePlaintext(randomBytes(100, 9)).ok());
  base::Bytes record = client->takeCiphertext();
  std::vector<uint8_t> tampered(record.data(), record.data() + record.size());
  tampered.back() ^= 0x01;  // breaks the AEAD tag
  auto status = server->feedCiphertext(tampered, got.atServer);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kTls);
  EXPECT_TRUE(got.atServer.empty());
}

TEST_F(TlsFilterTest, Tls13OnlyServerRejectsTls12OnlyClient) {
  TlsServerOptions serverOptions;
  serverOptions.minVersion = TlsVersion::kTls13;
  TlsClientOptions clientOptions = noVerify();
  clientOptions.maxVersion = TlsVersion::kTls12;
  auto client = filter(clientContext(clientOptions));
  auto server = filter(serverContext(serverOptions));
  std::vector<uint8_t> plaintext;
  auto atServer = server->feedCiphertext(client->takeCiphertext().span(), plaintext);
  ASSERT_FALSE(atServer.ok());
  EXPECT_NE(atServer.error().message().find("TLS handshake failed"), std::string::npos);
  EXPECT_NE(atServer.error().message().find("unsupported protocol"), std::string::npos)
      << atServer.error().message();
  // The server's alert makes the client fail too.
  auto atClient = client->feedCiphertext(server->takeCiphertext().span(), plaintext);
  ASSERT_FALSE(atClient.ok());
  EXPECT_EQ(atClient.error().code(), ErrorCode::kTls);
  EXPECT_FALSE(client->handshakeDone());
}

TEST_F(TlsFilterTest, Tls12WithCipherListNegotiates) {
  TlsServerOptions serverOptions;
  serverOptions.maxVersion = TlsVersion::kTls12;
  serverOptions.cipherList = "ECDHE-ECDSA-AES128-GCM-SHA256";
  auto client = filter(clientContext());
  auto server = filter(serverContext(serverOptions));
  Pumped got;
  auto status = pump(*client, *server, got, rng_, 50);
  ASSERT_TRUE(status.ok()) << status.error().toString();
  EXPECT_EQ(client->protocolVersion(), "TLSv1.2");
  EXPECT_EQ(client->cipherName(), "ECDHE-ECDSA-AES128-GCM-SHA256");
  const auto data = randomBytes(5000, 10);
  ASSERT_TRUE(server->writePlaintext(data).ok());
  ASSERT_TRUE(pump(*client, *server, got, rng_, 50).ok());
  EXPECT_EQ(got.atClient, data);
}

TEST_F(TlsFilterTest, VerifyPeerWithSelfSignedCaFileSucceeds) {
  TlsClientOptions options;
  options.verifyPeer = true;
  options.caFile = certFile_;
  options.serverName = "localhost";
  auto client = filter(clientContext(options));
  auto server = filter(serverContext());
  Pumped got;
  auto status = pump(*client, *server, got, rng_);
  ASSERT_TRUE(status.ok()) << status.error().toString();
  EXPECT_TRUE(client->handshakeDone());
}

TEST_F(TlsFilterTest, VerifyPeerWithoutCaFileFails) {
  TlsClientOptions options;
  options.verifyPeer = true;  // default store: does not trust our self-signed cert
  options.serverName = "localhost";
  auto client = filter(clientContext(options));
  auto server = filter(serverContext());
  Pumped got;
  auto status = pump(*client, *server, got, rng_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kTls);
  EXPECT_NE(status.error().message().find("certificate verify failed"), std::string::npos)
      << status.error().message();
  EXPECT_FALSE(client->handshakeDone());
}

TEST_F(TlsFilterTest, VerifyPeerWithWrongHostNameFails) {
  TlsClientOptions options;
  options.verifyPeer = true;
  options.caFile = certFile_;
  auto ctx = clientContext(options);
  TlsFilterOptions filterOptions;
  filterOptions.serverName = "example.com";  // the certificate says localhost
  auto client = filter(ctx, filterOptions);
  auto server = filter(serverContext());
  Pumped got;
  auto status = pump(*client, *server, got, rng_);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("hostname mismatch"), std::string::npos)
      << status.error().message();
}

}  // namespace
}  // namespace rtmp::tls
