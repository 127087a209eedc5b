// AuthFailureLimiter: an LRU list of per-address entries plus a hash index.
// Addresses are IpAddress values, which already fold IPv4 and IPv4-mapped
// IPv6 into one key, so "1.2.3.4" and "::ffff:1.2.3.4" share a counter.
#include "server/auth_failure_limiter.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace rtmp::server {
namespace {

// now + length without signed overflow for callers near the int64 edge.
int64_t saturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

AuthFailureLimiterConfig sanitized(AuthFailureLimiterConfig c) {
  // The user-facing "0 failures" means no bans; the counter itself needs 1.
  if (c.maxFailures <= 0) c.banMs = 0;
  c.maxFailures = std::max(c.maxFailures, 1);
  c.windowMs = std::max<int64_t>(c.windowMs, 1);
  c.banMs = std::max<int64_t>(c.banMs, 0);
  c.maxTrackedIps = std::max<size_t>(c.maxTrackedIps, 1);
  return c;
}

std::vector<Cidr> parsedExempt(const std::vector<std::string>& cidrs) {
  std::vector<Cidr> out;
  for (const std::string& text : cidrs) {
    auto cidr = Cidr::parse(text);
    if (cidr.ok()) out.push_back(*cidr);
  }
  return out;
}

std::string banReason(const AuthFailureLimiterConfig& c, const std::string& lastWhy) {
  std::string out = std::to_string(c.maxFailures) + " failed authorization" +
                    (c.maxFailures == 1 ? "" : "s") + " within " +
                    std::to_string((c.windowMs + 999) / 1000) + " s";
  if (!lastWhy.empty()) out += " (last: " + lastWhy + ")";
  return out;
}

}  // namespace

AuthFailureLimiter::AuthFailureLimiter(Config config)
    : config_(sanitized(std::move(config))), exempt_(parsedExempt(config_.exemptCidrs)) {}

base::Status AuthFailureLimiter::validateExempt(const std::vector<std::string>& cidrs) {
  for (size_t i = 0; i < cidrs.size(); ++i) {
    auto cidr = Cidr::parse(cidrs[i]);
    if (!cidr.ok()) return std::move(cidr).error().context("exempt CIDR " + std::to_string(i));
  }
  return base::okStatus();
}

bool AuthFailureLimiter::exempt(const IpAddress& ip) const {
  for (const Cidr& cidr : exempt_) {
    if (cidr.contains(ip)) return true;
  }
  return false;
}

void AuthFailureLimiter::expire(Entry& entry, int64_t nowMs) const {
  // A failure at t counts while now < t + window: at exactly t + window it
  // has left the window.
  while (!entry.failures.empty() &&
         nowMs >= saturatingAdd(entry.failures.front(), config_.windowMs)) {
    entry.failures.pop_front();
  }
  if (entry.banned && nowMs >= entry.bannedUntil) entry.banned = false;
}

void AuthFailureLimiter::erase(Lru::iterator it) {
  index_.erase(it->ip);
  lru_.erase(it);
}

AuthFailureLimiter::Entry* AuthFailureLimiter::touch(const IpAddress& ip, int64_t nowMs) {
  auto found = index_.find(ip);
  if (found == index_.end()) return nullptr;
  Lru::iterator it = found->second;
  expire(*it, nowMs);
  if (idle(*it)) {
    erase(it);
    return nullptr;
  }
  lru_.splice(lru_.end(), lru_, it);  // most recently touched goes last
  return &*it;
}

bool AuthFailureLimiter::recordFailure(const IpAddress& ip, int64_t nowMs, std::string_view why) {
  if (exempt(ip)) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = touch(ip, nowMs);
  if (entry == nullptr) {
    // Prune the oldest entry if it has run out, else evict it to make room.
    if (!lru_.empty()) {
      expire(lru_.front(), nowMs);
      if (idle(lru_.front())) erase(lru_.begin());
    }
    while (lru_.size() >= config_.maxTrackedIps) {
      erase(lru_.begin());
      ++evictions_;
    }
    lru_.push_back(Entry{ip, {}, 0, false, {}});
    index_.emplace(ip, std::prev(lru_.end()));
    entry = &lru_.back();
  }
  if (entry->banned) return false;

  entry->failures.push_back(nowMs);
  entry->lastWhy.assign(why.substr(0, kMaxReason));
  if (static_cast<int>(entry->failures.size()) < config_.maxFailures) return false;
  entry->failures.clear();
  if (config_.banMs == 0) return false;
  entry->banned = true;
  entry->bannedUntil = saturatingAdd(nowMs, config_.banMs);
  return true;
}

bool AuthFailureLimiter::isBanned(const IpAddress& ip, int64_t nowMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = touch(ip, nowMs);
  return entry != nullptr && entry->banned;
}

int64_t AuthFailureLimiter::banRemainingMs(const IpAddress& ip, int64_t nowMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = touch(ip, nowMs);
  if (entry == nullptr || !entry->banned) return 0;
  // Unsigned difference: a wildly early nowMs must not overflow.
  uint64_t left = static_cast<uint64_t>(entry->bannedUntil) - static_cast<uint64_t>(nowMs);
  return static_cast<int64_t>(
      std::min<uint64_t>(left, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

void AuthFailureLimiter::forget(const IpAddress& ip) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = index_.find(ip);
  if (found != index_.end()) erase(found->second);
}

bool AuthFailureLimiter::unban(const IpAddress& ip, int64_t nowMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = touch(ip, nowMs);
  if (entry == nullptr) return false;
  const bool wasBanned = entry->banned;
  erase(index_.find(ip)->second);
  return wasBanned;
}

std::vector<AuthBan> AuthFailureLimiter::bans(int64_t nowMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<AuthBan> out;
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    expire(*it, nowMs);
    if (idle(*it)) {
      erase(it);
    } else if (it->banned) {
      uint64_t left = static_cast<uint64_t>(it->bannedUntil) - static_cast<uint64_t>(nowMs);
      out.push_back(AuthBan{it->ip,
                            static_cast<int64_t>(std::min<uint64_t>(
                                left, static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))),
                            banReason(config_, it->lastWhy)});
    }
    it = next;
  }
  std::sort(out.begin(), out.end(),
            [](const AuthBan& a, const AuthBan& b) { return a.remainingMs > b.remainingMs; });
  return out;
}

size_t AuthFailureLimiter::trackedIps() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lru_.size();
}

uint64_t AuthFailureLimiter::evictions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return evictions_;
}

}  // namespace rtmp::server
