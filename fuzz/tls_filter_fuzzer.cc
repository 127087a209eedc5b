// Fuzzes the server side of TlsFilter (the RTMPS adaptor) with arbitrary
// client bytes: a ClientHello, records, alerts or plain RTMP, fed in pieces.
// The first input byte picks how many following bytes are piece sizes. After
// the input the filter is asked to write and to close, whatever state the
// input left it in. Nothing may crash, hang or grow past its bounds.
//
// The certificate and key are a throwaway self-signed P-256 pair made for
// this fuzzer (CN=fuzz.invalid); they protect nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tls/tls_context.h"
#include "tls/tls_filter.h"

namespace {

constexpr const char* kCertPem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBhTCCASugAwIBAgIUD2qkoP/2PI6P0emIuAbJ6DTmoZEwCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMZnV6ei5pbnZhbGlkMCAXDTI2MTEyMTExMTkzNVoYDzIxMjYx\n"
    "MDI4MTExOTM1WjAXMRUwEwYDVQQDDAxmdXp6LmludmFsaWQwWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAATqVSwmYChpQunzWEuPH7YDVjE4pu35Sze1F0AGyVdeO3Cl\n"
    "g0lcnDZnNZ7EsjKCUnGND71xSPCA8blJ9b/AmOKVo1MwUTAdBgNVHQ4EFgQUNZ3r\n"
    "22Gh510jDVTarYvLvRPGCTMwHwYDVR0jBBgwFoAUNZ3r22Gh510jDVTarYvLvRPG\n"
    "CTMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAivvkWwgxk2I1\n"
    "PYmn00MRtqyXvsLiY5vgRfTdgimQe/wCIAJ48VQqp7rl4RJHL2MLtHj+aLKrIbSh\n"
    "aP3U3ZW5IzmC\n"
    "-----END CERTIFICATE-----\n";
constexpr const char* kKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtjve9gKc5/ZbEMlJ\n"
    "jtzZJem/s2qr1uMIKgcwaHzsOxChRANCAATqVSwmYChpQunzWEuPH7YDVjE4pu35\n"
    "Sze1F0AGyVdeO3Clg0lcnDZnNZ7EsjKCUnGND71xSPCA8blJ9b/AmOKV\n"
    "-----END PRIVATE KEY-----\n";

std::shared_ptr<const rtmp::tls::TlsContext> serverContext() {
  static std::shared_ptr<const rtmp::tls::TlsContext> context = [] {
    rtmp::tls::TlsServerOptions options;
    options.certPem = kCertPem;
    options.keyPem = kKeyPem;
    auto created = rtmp::tls::TlsContext::createServer(options);
    if (!created.ok()) __builtin_trap();  // the fixture itself is broken
    return std::shared_ptr<const rtmp::tls::TlsContext>(std::move(created).value());
  }();
  return context;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t count = std::min<size_t>(data[0] % 8, size - 1);
  const std::span<const uint8_t> sizes(data + 1, count);
  std::span<const uint8_t> input(data + 1 + count, size - 1 - count);

  rtmp::tls::TlsFilterOptions options;
  options.maxPendingPlaintext = 64 * 1024;
  auto created = rtmp::tls::TlsFilter::create(serverContext(), options);
  if (!created.ok()) return 0;
  std::unique_ptr<rtmp::tls::TlsFilter> filter = std::move(created).value();

  std::vector<uint8_t> plaintext;
  size_t piece = 0;
  while (!input.empty()) {
    size_t n = count == 0 ? input.size() : std::max<size_t>(1, sizes[piece++ % count]);
    n = std::min(n, input.size());
    const bool ok = filter->feedCiphertext(input.first(n), plaintext).ok();
    (void)filter->takeCiphertext();
    input = input.subspan(n);
    if (!ok) break;  // a failed filter stays failed; later feeds only repeat the error
  }
  const uint8_t reply[] = {3, 0, 0, 0};
  (void)filter->writePlaintext(reply);
  (void)filter->closeNotify();
  (void)filter->takeCiphertext();
  if (plaintext.size() > size) __builtin_trap();  // decryption cannot create data
  return 0;
}
