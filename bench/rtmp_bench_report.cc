#include "rtmp_bench_report.h"

#include <numeric>

#include "rtmp_bench_json.h"

namespace rtmp::bench {

namespace {

double mbps(double bytes, double seconds) {
  return bytes * 8 / seconds / 1e6;
}

void medianP95(JsonWriter& j, std::vector<double>& values) {
  j.beginObject();
  j.key("median").number(percentile(values, 50));
  j.key("p95").number(percentile(values, 95));
  j.endObject();
}

}  // namespace

std::string renderJson(const BenchOptions& o, RunReport& r) {
  const bool window = r.windowMeasured && r.windowS > 0;
  JsonWriter j;
  j.beginObject();
  j.key("tool").string("rtmp-bench");
  j.key("version").integer(1);
  j.key("url").string(o.url);
  j.key("players").integer(o.players);
  j.key("warmupS").number(o.warmupS);
  j.key("durationS").number(o.durationS);
  j.key("timedOut").boolean(r.timedOut);

  j.key("sessions").beginObject();
  j.key("opened").integer(static_cast<int64_t>(r.opened));
  j.key("playStart").integer(static_cast<int64_t>(r.playStart));
  j.key("keyframe").integer(static_cast<int64_t>(r.keyframe));
  j.key("errors").integer(static_cast<int64_t>(r.errors));
  j.key("closedEarly").integer(static_cast<int64_t>(r.closedEarly));
  j.endObject();

  j.key("errorSamples").beginArray();
  for (const std::string& e : r.errorSamples) j.string(e);
  j.endArray();

  std::optional<double> publishBps;
  j.key("publish");
  if (r.published && window) {
    publishBps = r.publishBytes * 8.0 / r.windowS;
    j.beginObject();
    j.key("mbps").number(mbps(r.publishBytes, r.windowS));
    j.key("messages").integer(static_cast<int64_t>(r.publishMessages));
    j.endObject();
  } else {
    j.null();
  }
  if (!r.published && o.publishKbps) publishBps = *o.publishKbps * 1000;

  std::optional<double> aggregateMbps;
  j.key("delivered").beginObject();
  if (window) {
    double total = std::accumulate(r.perPlayerBytes.begin(), r.perPlayerBytes.end(), 0.0);
    aggregateMbps = mbps(total, r.windowS);
    std::vector<double> rates;
    int64_t behind = 0;
    for (double bytes : r.perPlayerBytes) {
      rates.push_back(mbps(bytes, r.windowS));
      if (publishBps && bytes * 8 / r.windowS < 0.9 * *publishBps) ++behind;
    }
    j.key("aggregateMbps").number(aggregateMbps);
    j.key("perPlayerMbps").beginObject();
    j.key("min").number(percentile(rates, 0));
    j.key("median").number(percentile(rates, 50));
    j.key("max").number(percentile(rates, 100));
    j.endObject();
    j.key("behind");
    if (publishBps) {
      j.integer(behind);
    } else {
      j.null();
    }
  } else {
    j.key("aggregateMbps").null();
    j.key("perPlayerMbps").beginObject();
    j.key("min").null().key("median").null().key("max").null();
    j.endObject();
    j.key("behind").null();
  }
  j.endObject();

  j.key("lateJoin").beginObject();
  j.key("count").integer(static_cast<int64_t>(r.lateJoiners));
  j.key("connectToPlayStartMs");
  medianP95(j, r.connectToStartMs);
  j.key("playToKeyframeMs");
  medianP95(j, r.playToKeyframeMs);
  j.endObject();

  j.key("latencyMs");
  if (r.published && window) {
    j.beginObject();
    j.key("samples").integer(static_cast<int64_t>(r.latencyMs.size()));
    j.key("median").number(percentile(r.latencyMs, 50));
    j.key("p99").number(percentile(r.latencyMs, 99));
    j.key("max").number(percentile(r.latencyMs, 100));
    j.endObject();
  } else {
    j.null();
  }

  std::optional<double> cpuPercent;
  j.key("server");
  if (o.serverPid) {
    if (r.serverCpuS && window) cpuPercent = *r.serverCpuS / r.windowS * 100;
    j.beginObject();
    j.key("pid").integer(*o.serverPid);
    j.key("cpuPercent").number(cpuPercent);
    j.key("rssBeforeKiB").number(r.rssBeforeKiB);
    j.key("rssKiB").number(r.rssKiB);
    std::optional<double> perPlayer;
    if (r.rssBeforeKiB && r.rssKiB && o.players > 0) {
      perPlayer = (*r.rssKiB - *r.rssBeforeKiB) / o.players;
    }
    j.key("rssDeltaPerPlayerKiB").number(perPlayer);
    j.endObject();
  } else {
    j.null();
  }

  j.key("efficiency");
  if (cpuPercent && *cpuPercent > 0 && aggregateMbps) {
    j.beginObject();
    j.key("gbpsPerCore").number(*aggregateMbps / 1000 / (*cpuPercent / 100));
    j.endObject();
  } else {
    j.null();
  }
  j.endObject();
  return j.text();
}

}  // namespace rtmp::bench
