// One CMAF chunk of a one-track fragmented MP4 (ISO/IEC 14496-12 §8.8,
// ISO/IEC 23000-19 §7.3.2.3): a moof describing the samples, then an mdat
// holding them back to back.
//
//   moof
//     mfhd   sequence_number
//     traf
//       tfhd   track_ID 1, flags default-base-is-moof (offsets count from the moof)
//       tfdt   version 1: baseMediaDecodeTime (u64) = the first sample's dts
//       trun   version 1 (signed composition offsets), flags: data-offset,
//              sample duration, size, flags, composition time offset present
//              | sample_count | data_offset = moof size + mdat header size |
//              | per sample: duration | size | flags | cto (s32) |
//   mdat   size = 8 + all sample bytes (16 with a 64-bit largesize past 4 GiB)
//
// The result is the list of pieces to send in order: the header (moof and the
// mdat box header, one allocation) and then each sample's data slice as given,
// so the sample bytes are never copied here.
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "hls/track_config.h"

namespace rtmp::hls {

// sample_flags (§8.8.3.1) for a sync sample: sample_depends_on 2 (depends on
// no other sample), sample_is_non_sync_sample 0.
inline constexpr uint32_t kSyncSampleFlags = 0x02000000;
// ...and for any other: sample_depends_on 1, sample_is_non_sync_sample 1.
inline constexpr uint32_t kNonSyncSampleFlags = 0x01010000;

// [moof + mdat header, samples[0].data, samples[1].data, ...]. Empty samples
// give an empty result (a trun must describe at least one sample to place the
// fragment on the timeline). Each sample's dts after the first is implied by
// the durations: the writer trusts them (the segmenter derives them from
// the dts of the next sample).
std::vector<base::Bytes> writeFragment(uint32_t sequenceNumber, const TrackConfig& track,
                                       const std::vector<Sample>& samples);

}  // namespace rtmp::hls
