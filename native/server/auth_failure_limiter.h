// Per-IP failed-auth counter that bans an address after too many failures in
// a sliding window: by default 5 failures within 60 s → banned for 10 min.
// Addresses inside an exempt CIDR (by default loopback: 127.0.0.0/8 and ::1)
// are never counted nor banned: a developer mistyping a key five times on
// localhost must not lock out their own players (issue 14).
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
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/cidr.h"

namespace rtmp::server {

struct AuthFailureLimiterConfig {
  int maxFailures = 5;             // failures inside the window that trigger a ban (0 = never)
  int64_t windowMs = 60'000;       // sliding window length (>= 1)
  int64_t banMs = 10 * 60'000;     // ban length (>= 0; 0 disables bans)
  size_t maxTrackedIps = 100'000;  // memory bound (>= 1)
  // Never counted nor banned (Cidr::parse syntax). Entries that do not parse
  // are skipped here; the engine refuses to start with one (validateExempt).
  std::vector<std::string> exemptCidrs = {"127.0.0.0/8", "::1"};
};

// One address banned now (AuthFailureLimiter::bans).
struct AuthBan {
  IpAddress ip;
  int64_t remainingMs = 0;  // > 0
  std::string reason;       // "5 failed authorizations within 60 s (last: wrong key)"
};

class AuthFailureLimiter {
 public:
  using Config = AuthFailureLimiterConfig;

  // Out-of-range config values are raised to their minimum; maxFailures 0
  // turns bans off (banMs becomes 0).
  explicit AuthFailureLimiter(Config config = Config());

  // The first exempt CIDR that does not parse, as kInvalidArgument.
  static base::Status validateExempt(const std::vector<std::string>& cidrs);

  // Counts one failed auth from `ip` at `nowMs`. Returns true when this
  // failure started a ban. Failures from an already banned address are not
  // counted and do not extend the ban; failures from an exempt one are not
  // counted at all. `why` (the last refusal's reason) goes into the ban's
  // reason, cut to kMaxReason bytes.
  bool recordFailure(const IpAddress& ip, int64_t nowMs, std::string_view why = {});
  static constexpr size_t kMaxReason = 200;

  bool exempt(const IpAddress& ip) const;

  // Banned from the failure that tipped the count until nowMs reaches
  // banStart + banMs (the end is exclusive).
  bool isBanned(const IpAddress& ip, int64_t nowMs);
  // 0 when not banned.
  int64_t banRemainingMs(const IpAddress& ip, int64_t nowMs);

  // Forgets an address (its failures and any ban).
  void forget(const IpAddress& ip);
  // Lifts the ban on `ip` (and forgets its failures). False when it was not banned.
  bool unban(const IpAddress& ip, int64_t nowMs);
  // Every ban still running at nowMs, longest remaining first.
  std::vector<AuthBan> bans(int64_t nowMs);

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
    std::string lastWhy;  // the last failure's reason (bounded)
  };
  using Lru = std::list<Entry>;  // front = least recently touched

  // Drops failures older than the window and a ban that has ended.
  void expire(Entry& entry, int64_t nowMs) const;
  static bool idle(const Entry& entry) { return !entry.banned && entry.failures.empty(); }
  // Finds `ip`, expires it, and drops it if nothing is left; nullptr if gone.
  Entry* touch(const IpAddress& ip, int64_t nowMs);
  void erase(Lru::iterator it);

  const Config config_;
  const std::vector<Cidr> exempt_;  // parsed once; read without the lock
  mutable std::mutex mutex_;
  Lru lru_;
  std::unordered_map<IpAddress, Lru::iterator, IpAddressHash> index_;
  uint64_t evictions_ = 0;
};

}  // namespace rtmp::server
