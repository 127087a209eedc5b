// The HLS feed: segmenter records (server/hls_tap.h) to JS through a
// BoundedChannel, as the objects of lib/http/hls/feed.ts (HlsFeedItem).
//
//   HlsTap (publisher's loop) ──sink: push──▶ BoundedChannel<HlsItem>
//     bounded: kHlsFeedMaxItems items and kHlsFeedMaxBytes bytes; full → the
//     newest record is dropped and counted ({pushed, dropped, droppedBytes}
//     reach JS with every batch; the store copes with a missing item)
//   ──(one TSFN call per burst)──▶ JS: onItems(items, counters)
//
// Bytes: a part's fragment is a header plus slices of the publisher's payloads;
// toJs concatenates the pieces straight into a new Buffer's memory: the one
// copy of the sample bytes on the way to JS (Electron refuses external
// buffers, so the engine's memory cannot be lent).
#pragma once

#include <napi.h>

#include <memory>

#include "binding/bounded_channel.h"
#include "server/hls_tap.h"

namespace rtmp::binding {

// Enough for several seconds of parts of many streams; bytes dominate:
// 256 MiB is about 100 streams' 2 s segments at 10 Mbit/s waiting for JS.
inline constexpr size_t kHlsFeedMaxItems = 4'096;
inline constexpr size_t kHlsFeedMaxBytes = 256u << 20;

struct HlsItem {
  server::HlsFeedRecord record;
};
using HlsChannel = BoundedChannel<HlsItem>;
extern template class BoundedChannel<HlsItem>;

// The bytes a record holds (what the channel's byte bound counts).
size_t hlsRecordBytes(const hls::SegmenterRecord& record);

std::shared_ptr<HlsChannel> createHlsChannel(Napi::Env env, Napi::Function onItems);

// The sink HlsTap calls: queues into `channel` (never blocks; drops when full).
server::HlsSink hlsSinkInto(std::shared_ptr<HlsChannel> channel);

}  // namespace rtmp::binding
