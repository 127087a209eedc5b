// Fuzzes ClientSession with arbitrary server bytes after a valid handshake.
// Input byte 0 picks the mode (play/publish) and whether the rest is fed
// whole or split at fuzzer-chosen offsets (split-feed variant: the next
// bytes give piece lengths). The session must return errors, never crash,
// and keep returning the same error once failed.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "client/client_session.h"
#include "protocol/handshake_server.h"

namespace {

using namespace rtmp;

protocol::RandomSource fixed(uint8_t seed) {
  return [seed](std::span<uint8_t> out) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(seed + i * 13);
  };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t control = data[0];
  std::span<const uint8_t> input(data + 1, size - 1);

  client::ClientSessionConfig config;
  config.mode = (control & 1) ? client::ClientMode::kPublish : client::ClientMode::kPlay;
  config.app = "live";
  config.tcUrl = "rtmp://127.0.0.1/live";
  config.streamName = "cam";
  config.random = fixed(1);
  config.digestHandshake = (control & 2) != 0;
  config.limits.maxMessageSize = 1 << 20;
  config.limits.maxBufferedBytes = 4 << 20;

  std::vector<uint8_t> clientOut;
  size_t mediaBytes = 0;
  client::ClientSession session(
      config,
      client::ClientSession::Callbacks{
          .send =
              [&](base::Bytes b) {
                clientOut.insert(clientOut.end(), b.data(), b.data() + b.size());
              },
          .onStatus = [](const protocol::StatusInfo&) {},
          .onStreamCreated = [](uint32_t) {},
          .onStarted = [] {},
          .onMedia = [&](uint8_t, uint32_t, const base::Bytes& p) { mediaBytes += p.size(); },
      });
  if (!session.start().ok()) __builtin_trap();

  // A real server handshake answers C0+C1, so the fuzz input lands in the
  // chunk stream.
  protocol::ServerHandshake server(protocol::ServerHandshakeOptions{.time = 1, .random = fixed(2)});
  auto step = server.feed(clientOut);
  if (!step.ok() || step->output.empty()) __builtin_trap();
  if (!session.feed(step->output).ok()) __builtin_trap();
  if (session.state() != client::ClientState::kConnecting) __builtin_trap();

  const bool split = (control & 4) != 0;
  base::Status status;
  if (!split) {
    status = session.feed(input);
  } else {
    // Split-feed: piece lengths come from the input's own bytes (1..64), so
    // the same server bytes get cut at many offsets.
    size_t at = 0;
    size_t lengthIndex = 0;
    while (at < input.size() && status.ok()) {
      size_t piece = 1 + (input[lengthIndex % input.size()] % 64);
      ++lengthIndex;
      piece = std::min(piece, input.size() - at);
      status = session.feed(input.subspan(at, piece));
      at += piece;
    }
  }
  if (!status.ok()) {
    if (session.state() != client::ClientState::kFailed) __builtin_trap();
    base::Status again = session.feed(input.subspan(0, std::min<size_t>(input.size(), 3)));
    if (again.ok() || again.error().message() != status.error().message()) __builtin_trap();
  } else if (session.started() && config.mode == client::ClientMode::kPublish) {
    const uint8_t body[] = {0x17, 0x01, 0, 0, 0};
    if (!session.sendMedia(9, 0, base::Bytes::copyOf(std::span<const uint8_t>(body))).ok()) {
      __builtin_trap();
    }
  }
  return 0;
}
