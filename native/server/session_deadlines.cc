// Session: the deadlines the loop's housekeeping enforces (once a second,
// EngineConnection::checkTimers). Each stage of a session has one, so a peer
// that does the least possible — a few bytes now and then, a handshake and no
// connect, a connect and nothing after — holds its place for a bounded time:
//
//   accepted ──handshakeTimeoutMs──▶ handshake done ──connectTimeoutMs──▶ connect
//   connect ──playPublishTimeoutMs──▶ publish | play (also after one ends)
//   connected, not playing ──idleTimeoutMs without a command or media message──▶ close
//   any state ──writeTimeoutMs with output queued and none of it taken──▶ close
//   player without a publisher ──playWaitMs──▶ NetStream.Play.StreamNotFound, close
//
// A session waiting for the authorize hook is governed by authTimeoutMs alone
// (Session::checkAuthDeadline); a player only by the write timeout and, while
// it has no publisher, playWaitMs. 0 turns a deadline off (except the
// handshake's, which is always on).
#include <string>

#include "base/log.h"
#include "protocol/status_codes.h"
#include "server/session.h"

namespace rtmp::server {

namespace {

uint64_t elapsed(uint64_t nowMs, uint64_t sinceMs) {
  return nowMs > sinceMs ? nowMs - sinceMs : 0;
}

std::string seconds(uint64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace

void Session::checkDeadlines(uint64_t nowMs) {
  if (closing_) return;
  const EngineConfig& config = env_.config;
  // In every state: output waiting while the peer takes nothing. A player
  // behind a partition (or one that stopped reading) is exempt from the idle
  // timeout, so without this it would keep its place forever.
  if (config.writeTimeoutMs != 0 && transport_.writeStalledMs(nowMs) >= config.writeTimeoutMs) {
    timeOut("no write progress for " + seconds(config.writeTimeoutMs) + " with " +
            std::to_string(transport_.queuedBytes()) + " bytes queued: the peer is not reading");
    return;
  }
  if (!handshake_.done()) {
    if (elapsed(nowMs, createdAtMs_) >= config.handshakeTimeoutMs) {
      countHandshakeFailure(HandshakeFailure::kTimeout);
      timeOut("handshake not completed within " + seconds(config.handshakeTimeoutMs));
    }
    return;
  }
  if (!connected_) {
    if (config.connectTimeoutMs != 0 &&
        elapsed(nowMs, handshakeDoneAtMs_) >= config.connectTimeoutMs) {
      timeOut("no connect within " + seconds(config.connectTimeoutMs) + " of the handshake");
    }
    return;
  }
  if (pendingAuth_) return;  // authTimeoutMs decides (checkAuthDeadline)
  if (!publishStream_ && !player_ && config.playPublishTimeoutMs != 0 &&
      elapsed(nowMs, noRoleSinceMs_) >= config.playPublishTimeoutMs) {
    timeOut("connected but neither publishing nor playing for " +
            seconds(config.playPublishTimeoutMs));
    return;
  }
  if (player_ && playWaiting_ && config.playWaitMs != 0 &&
      elapsed(nowMs, playWaitingSinceMs_) >= config.playWaitMs) {
    endPlayWait();
    return;
  }
  if (config.idleTimeoutMs != 0 && !idleExempt() &&
      elapsed(nowMs, lastActivityMs_) >= config.idleTimeoutMs) {
    timeOut("idle timeout: no command or media for " + seconds(config.idleTimeoutMs));
  }
}

// Why close rather than keep the connection: the immediate answer
// (waitForPublisher false) closes too, and players treat StreamNotFound as the
// end (ffmpeg: "Server error"; OBS and VLC stop); an open connection would only
// hold a place until playPublishTimeoutMs. The status goes first (§7.2.2.1
// onStatus on the play stream), flushed by terminate().
void Session::endPlayWait() {
  const std::string why =
      playStream_->app() + "/" + playStream_->name() +
      (playHadPublisher_ ? " has not been published again within " : " was not published within ") +
      seconds(env_.config.playWaitMs);
  sendStatus(playStreamId_, protocol::status::kPlayStreamNotFound, why);
  base::log(base::LogLevel::kInfo, "session", logContext(), [&] { return "closing: " + why; });
  terminate(base::Error(base::ErrorCode::kStreamNotFound, why));
}

void Session::publisherPresence(bool present) {
  if (!player_ || closing_) return;
  if (present) {
    playHadPublisher_ = true;
    if (!playWaiting_) return;
    playWaiting_ = false;
    info_->waiting.store(false, std::memory_order_relaxed);
    emit(PlayingEvent{elapsed(env_.nowMs(), playWaitingSinceMs_)});
    return;
  }
  if (playWaiting_) return;
  playWaiting_ = true;
  playWaitingSinceMs_ = env_.nowMs();
  info_->waiting.store(true, std::memory_order_relaxed);
}

void Session::timeOut(const std::string& why) {
  base::log(base::LogLevel::kInfo, "session", logContext(), [&] { return "closing: " + why; });
  terminate(base::Error(base::ErrorCode::kTimeout, why));
}

}  // namespace rtmp::server
