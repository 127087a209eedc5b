// Per-IP failed-auth counter that bans an address after too many failures in
// a sliding window: by default 5 failures within 60 s → banned for 10 min.
// Time is passed in (milliseconds on any monotonic clock the caller picks),
// so the limiter reads no clock and tests need no sleeps.
//
// Memory is bounded: at most maxTrackedIps addresses are remembered; when a
// new address would pass the bound, the least recently touched one is
// forgotten (an expired entry first, if the oldest has expired). Entries whose
// window and ban have both run out are dropped when they are next touched.
//
// Thread-safe: one mutex; every call is O(maxFailures) under it. Several
// loops share one limiter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <unordered_map>

#include "server/cidr.h"

namespace rtmp::server {

struct AuthFailureLimiterConfig {
  int maxFailures = 5;             // failures inside the window that trigger a ban (0 = never)
  int64_t windowMs = 60'000;       // sliding window length (>= 1)
  int64_t banMs = 10 * 60'000;     // ban length (>= 0; 0 disables bans)
  size_t maxTrackedIps = 100'000;  // memory bound (>= 1)
};

class AuthFailureLimiter {
 public:
  using Config = AuthFailureLimiterConfig;

  // Out-of-range config values are raised to their minimum; maxFailures 0
  // turns bans off (banMs becomes 0).
  explicit AuthFailureLimiter(Config config = Config());

  // Counts one failed auth from `ip` at `nowMs`. Returns true when this
  // failure started a ban. Failures from an already banned address are not
  // counted and do not extend the ban.
  bool recordFailure(const IpAddress& ip, int64_t nowMs);

  // Banned from the failure that tipped the count until nowMs reaches
  // banStart + banMs (the end is exclusive).
  bool isBanned(const IpAddress& ip, int64_t nowMs);
  // 0 when not banned.
  int64_t banRemainingMs(const IpAddress& ip, int64_t nowMs);

  // Forgets an address (e.g. an operator unban).
  void forget(const IpAddress& ip);

  // Addresses currently remembered (for stats and tests).
  size_t trackedIps() const;
  // Addresses forgotten to stay under maxTrackedIps.
  uint64_t evictions() const;

  const Config& config() const { return config_; }

 private:
  struct Entry {
    IpAddress ip;
    std::deque<int64_t> failures;  // times inside the window, oldest first
    int64_t bannedUntil = 0;
    bool banned = false;
  };
  using Lru = std::list<Entry>;  // front = least recently touched

  // Drops failures older than the window and a ban that has ended.
  void expire(Entry& entry, int64_t nowMs) const;
  static bool idle(const Entry& entry) { return !entry.banned && entry.failures.empty(); }
  // Finds `ip`, expires it, and drops it if nothing is left; nullptr if gone.
  Entry* touch(const IpAddress& ip, int64_t nowMs);
  void erase(Lru::iterator it);

  const Config config_;
  mutable std::mutex mutex_;
  Lru lru_;
  std::unordered_map<IpAddress, Lru::iterator, IpAddressHash> index_;
  uint64_t evictions_ = 0;
};

}  // namespace rtmp::server
