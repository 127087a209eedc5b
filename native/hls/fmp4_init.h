// The CMAF header (ISO/IEC 23000-19 §7.3.2.1) of a one-track fragmented MP4:
// ftyp + moov, ready to be served as the HLS init segment (EXT-X-MAP) and the
// DASH Initialization segment.
//
//   ftyp  major 'iso6', compatible iso6 cmfc mp41 (+ av01 for AV1)
//   moov
//     mvhd                      next_track_ID 2, no duration (fragmented)
//     trak
//       tkhd                    track_ID 1, width/height (video) or volume 1.0 (audio)
//       mdia
//         mdhd                  timescale = TrackConfig::timescale, language 'und'
//         hdlr                  'vide' or 'soun'
//         minf
//           vmhd | smhd
//           dinf/dref/'url '    self-contained
//           stbl                stsd with one sample entry; stts stsc stsz stco empty
//     mvex/trex                 track 1, sample description 1, no defaults
//
// Sample entries (the decoder configuration is stored exactly as FLV carries it):
//   H.264  avc1 + avcC   (ISO/IEC 14496-15 §5.4.2: parameter sets in the record)
//   HEVC   hvc1 + hvcC   (§8.4.1: hvc1, parameter sets in the record, as FLV keeps them)
//   AV1    av01 + av1C   (AV1-ISOBMFF §2.3)
//   AAC    mp4a + esds   (ISO/IEC 14496-14 §5.6: ES_Descriptor, objectTypeIndication 0x40)
#pragma once

#include "base/bytes.h"
#include "hls/track_config.h"

namespace rtmp::hls {

// The init segment for one track (track_ID 1). A codec other than H.264,
// HEVC, AV1 or AAC is not segmentable: the result is empty.
base::Bytes writeInitSegment(const TrackConfig& track);

}  // namespace rtmp::hls
