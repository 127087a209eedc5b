#include "tls/tls_context.h"

#include <gtest/gtest.h>

#include <memory>

#include "tls/test_certs.h"

namespace rtmp::tls {
namespace {

using base::ErrorCode;
using testing::makeSelfSigned;
using testing::SelfSigned;
using testing::TempDir;

class TlsContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    cert_ = new SelfSigned(makeSelfSigned());
    certFile_ = dir_->write("cert.pem", cert_->certPem);
    keyFile_ = dir_->write("key.pem", cert_->keyPem);
    otherKeyFile_ = dir_->write("other-key.pem", testing::otherKeyPem());
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete dir_;
  }

  static inline TempDir* dir_ = nullptr;
  static inline SelfSigned* cert_ = nullptr;
  static inline std::string certFile_, keyFile_, otherKeyFile_;
};

TEST_F(TlsContextTest, ServerFromPemFiles) {
  TlsServerOptions options;
  options.certFile = certFile_;
  options.keyFile = keyFile_;
  auto ctx = TlsContext::createServer(options);
  ASSERT_TRUE(ctx.ok()) << ctx.error().toString();
  EXPECT_TRUE((*ctx)->isServer());
  EXPECT_NE((*ctx)->native(), nullptr);
}

TEST_F(TlsContextTest, ServerFromPemStrings) {
  TlsServerOptions options;
  options.certPem = cert_->certPem;
  options.keyPem = cert_->keyPem;
  auto ctx = TlsContext::createServer(options);
  ASSERT_TRUE(ctx.ok()) << ctx.error().toString();
}

TEST_F(TlsContextTest, MismatchedKeyFileIsRejected) {
  TlsServerOptions options;
  options.certFile = certFile_;
  options.keyFile = otherKeyFile_;
  auto ctx = TlsContext::createServer(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.error().code(), ErrorCode::kTls);
  EXPECT_NE(ctx.error().message().find("key values mismatch"), std::string::npos)
      << ctx.error().message();
}

TEST_F(TlsContextTest, MismatchedKeyPemIsRejected) {
  TlsServerOptions options;
  options.certPem = cert_->certPem;
  options.keyPem = testing::otherKeyPem();
  auto ctx = TlsContext::createServer(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.error().code(), ErrorCode::kTls);
}

TEST_F(TlsContextTest, MissingCertFileErrorNamesPath) {
  TlsServerOptions options;
  options.certFile = dir_->file("no-such-cert.pem");
  options.keyFile = keyFile_;
  auto ctx = TlsContext::createServer(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.error().code(), ErrorCode::kTls);
  EXPECT_NE(ctx.error().message().find(options.certFile), std::string::npos)
      << ctx.error().message();
}

TEST_F(TlsContextTest, MissingKeyFileErrorNamesPath) {
  TlsServerOptions options;
  options.certFile = certFile_;
  options.keyFile = dir_->file("no-such-key.pem");
  auto ctx = TlsContext::createServer(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().message().find(options.keyFile), std::string::npos)
      << ctx.error().message();
}

TEST_F(TlsContextTest, NoCertificateIsAnError) {
  TlsServerOptions options;
  auto ctx = TlsContext::createServer(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().message().find("no certificate"), std::string::npos);
}

TEST_F(TlsContextTest, GarbageCertPemIsAnError) {
  TlsServerOptions options;
  options.certPem = "not a certificate";
  options.keyPem = cert_->keyPem;
  auto ctx = TlsContext::createServer(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.error().code(), ErrorCode::kTls);
}

TEST_F(TlsContextTest, UnknownCipherListIsRejected) {
  TlsServerOptions options;
  options.certFile = certFile_;
  options.keyFile = keyFile_;
  options.cipherList = "NO-SUCH-CIPHER";
  auto ctx = TlsContext::createServer(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().message().find("cipher list 'NO-SUCH-CIPHER'"), std::string::npos)
      << ctx.error().message();
}

TEST_F(TlsContextTest, UnknownTls13SuiteIsRejected) {
  TlsClientOptions options;
  options.cipherSuites = "TLS_NO_SUCH_SUITE";
  auto ctx = TlsContext::createClient(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().message().find("ciphersuites"), std::string::npos);
}

TEST_F(TlsContextTest, ClientMissingCaFileNamesPath) {
  TlsClientOptions options;
  options.caFile = dir_->file("no-such-ca.pem");
  auto ctx = TlsContext::createClient(options);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().message().find(options.caFile), std::string::npos) << ctx.error().message();
}

TEST_F(TlsContextTest, ClientKeepsServerNameAndVerifyFlag) {
  TlsClientOptions options;
  options.caFile = certFile_;
  options.serverName = "localhost";
  auto ctx = TlsContext::createClient(options);
  ASSERT_TRUE(ctx.ok()) << ctx.error().toString();
  EXPECT_FALSE((*ctx)->isServer());
  EXPECT_TRUE((*ctx)->verifyPeer());
  EXPECT_EQ((*ctx)->serverName(), "localhost");
}

}  // namespace
}  // namespace rtmp::tls
