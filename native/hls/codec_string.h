// RFC 6381 "codecs" parameter values for the HLS master playlist (CODECS=)
// and the DASH MPD (@codecs), derived from the track's decoder configuration:
//
//   H.264  avc1.PPCCLL         profile_idc, constraint flags, level_idc from the
//                              avcC, two lower-case hex digits each (RFC 6381 §3.3)
//   HEVC   hvc1.[A-C]P.F.TL.C* ISO/IEC 14496-15 Annex E.3: profile space letter
//                              (none for 0) and profile_idc; compatibility flags
//                              bit-reversed in hex; tier L/H and level_idc; the six
//                              constraint bytes in hex, trailing zero bytes left out
//   AV1    av01.P.LLT.DD       AV1-ISOBMFF Annex A.3: profile, level (2 digits),
//                              tier M/H, bit depth (2 digits)
//   AAC    mp4a.40.A           RFC 6381 §3.3: A = audio object type (2 LC, 5 HE-AAC,
//                              29 HE-AACv2)
//
// The records are read with the media/ parsers. An unparseable record or
// another codec gives "" (the caller leaves the track out).
#pragma once

#include <string>

#include "hls/track_config.h"

namespace rtmp::hls {

std::string codecString(const TrackConfig& track);

}  // namespace rtmp::hls
