#include "server/session_table.h"

namespace rtmp::server {

std::shared_ptr<SessionInfo> SessionTable::add(uint64_t id, std::string ip, uint16_t port,
                                               uint32_t loop, Executor* executor, uint64_t nowMs,
                                               bool tls) {
  auto info = std::make_shared<SessionInfo>();
  info->id = id;
  info->ip = std::move(ip);
  info->port = port;
  info->loop = loop;
  info->executor = executor;
  info->connectedAtMs = nowMs;
  info->tls = tls;
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = sessions_.try_emplace(id, info);
  if (inserted) {
    ++perIp_[info->ip];
  } else {
    it->second = info;  // ids are unique; kept for safety, the count stays right
  }
  return info;
}

void SessionTable::remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  auto ip = perIp_.find(it->second->ip);
  if (ip != perIp_.end() && --ip->second == 0) perIp_.erase(ip);
  if (it->second->connected) {
    --connected_;
    auto place = connectedPerIp_.find(it->second->ip);
    if (place != connectedPerIp_.end() && --place->second == 0) connectedPerIp_.erase(place);
  }
  sessions_.erase(it);
}

SessionTable::ConnectPlace SessionTable::takeConnectedPlace(SessionInfo& info, uint32_t maxTotal,
                                                            uint32_t maxPerIp) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (info.connected) return ConnectPlace::kTaken;
  if (maxTotal != 0 && connected_ >= maxTotal) return ConnectPlace::kServerFull;
  uint32_t& fromIp = connectedPerIp_[info.ip];
  if (maxPerIp != 0 && fromIp >= maxPerIp) {
    return ConnectPlace::kAddressFull;
  }
  ++fromIp;
  ++connected_;
  info.connected = true;
  return ConnectPlace::kTaken;
}

size_t SessionTable::connectedCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connected_;
}

bool SessionTable::describeWithin(SessionInfo& info, SessionRole role, const std::string& app,
                                  const std::string& stream, uint32_t max, bool sameStream) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (max != 0) {
    uint32_t holding = 0;
    for (const auto& [id, other] : sessions_) {
      if (other.get() == &info || other->role != role) continue;
      if (sameStream && (other->stream != stream || other->app != app)) continue;
      ++holding;
    }
    if (holding >= max) return false;
  }
  info.role = role;
  info.app = app;
  info.stream = stream;
  return true;
}

size_t SessionTable::countForIp(const std::string& ip) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = perIp_.find(ip);
  return it == perIp_.end() ? 0 : it->second;
}

void SessionTable::describe(SessionInfo& info, SessionRole role, const std::string& app,
                            const std::string& stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  info.role = role;
  info.app = app;
  info.stream = stream;
}

std::shared_ptr<SessionInfo> SessionTable::find(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

uint64_t SessionTable::largestPartialHolder() const {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t id = 0;
  uint64_t most = 0;
  for (const auto& [sessionId, info] : sessions_) {
    const uint64_t held = info->partialBytes.load(std::memory_order_relaxed);
    if (held > most) {
      most = held;
      id = sessionId;
    }
  }
  return id;
}

std::vector<SessionSnapshot> SessionTable::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<SessionSnapshot> out;
  out.reserve(sessions_.size());
  for (const auto& [id, info] : sessions_) {
    SessionSnapshot s;
    s.id = id;
    s.ip = info->ip;
    s.port = info->port;
    s.tls = info->tls;
    s.role = info->role;
    s.app = info->app;
    s.stream = info->stream;
    s.connectedAtMs = info->connectedAtMs;
    s.bytesIn = info->bytesIn.load(std::memory_order_relaxed);
    s.bytesOut = info->bytesOut.load(std::memory_order_relaxed);
    s.droppedVideo = info->droppedVideo.load(std::memory_order_relaxed);
    s.droppedAudio = info->droppedAudio.load(std::memory_order_relaxed);
    s.droppedFrames = s.droppedVideo + s.droppedAudio;  // the one number it was before
    for (size_t i = 0; i < kIngestDropReasonCount; ++i) {
      s.ingestDrops.counts[i] = info->ingestDrops[i].load(std::memory_order_relaxed);
    }
    s.loop = info->loop;
    s.waiting = info->waiting.load(std::memory_order_relaxed);
    out.push_back(std::move(s));
  }
  return out;
}

size_t SessionTable::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace rtmp::server
