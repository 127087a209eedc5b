#include "hls/fmp4_init.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "hls/box_writer.h"

namespace rtmp::hls {

namespace {

constexpr uint32_t kTrackId = 1;

// The unity matrix of mvhd/tkhd (§8.2.2.3): 16.16 fixed point, w in 2.30.
void writeUnityMatrix(BoxWriter& w) {
  constexpr uint32_t kMatrix[9] = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
  for (uint32_t v : kMatrix) w.u32(v);
}

void writeFtyp(BoxWriter& w, const TrackConfig& track) {
  // CMAF (23000-19 §7.2) asks for 'cmfc' among the compatible brands; 'iso6'
  // covers tfdt version 1 and trun version 1 (signed composition offsets).
  w.open("ftyp");
  w.fourcc("iso6");  // major_brand
  w.u32(0);          // minor_version
  w.fourcc("iso6");
  w.fourcc("cmfc");
  w.fourcc("mp41");
  if (track.codec == media::Codec::kAv1) w.fourcc("av01");  // AV1-ISOBMFF §2.1
  w.close();
}

void writeMvhd(BoxWriter& w, const TrackConfig& track) {
  w.openFull("mvhd", 0, 0);  // §8.2.2
  w.u32(0);                  // creation_time
  w.u32(0);                  // modification_time
  w.u32(track.timescale);    // timescale
  w.u32(0);                  // duration: unknown, the movie is fragmented
  w.u32(0x00010000);         // rate 1.0
  w.u16(0x0100);             // volume 1.0
  w.zeros(2 + 8);            // reserved
  writeUnityMatrix(w);
  w.zeros(6 * 4);       // pre_defined
  w.u32(kTrackId + 1);  // next_track_ID
  w.close();
}

void writeTkhd(BoxWriter& w, const TrackConfig& track) {
  const bool video = track.kind == TrackConfig::Kind::kVideo;
  w.openFull("tkhd", 0, 0x000003);  // §8.3.2; flags: track_enabled | track_in_movie
  w.u32(0);                         // creation_time
  w.u32(0);                         // modification_time
  w.u32(kTrackId);
  w.u32(0);                   // reserved
  w.u32(0);                   // duration
  w.zeros(8);                 // reserved
  w.i16(0);                   // layer
  w.i16(0);                   // alternate_group
  w.u16(video ? 0 : 0x0100);  // volume: 1.0 for audio
  w.u16(0);                   // reserved
  writeUnityMatrix(w);
  // Presentation size, 16.16 fixed point (0 for audio).
  w.u32(video ? std::min<uint32_t>(track.width, 0xFFFF) << 16 : 0);
  w.u32(video ? std::min<uint32_t>(track.height, 0xFFFF) << 16 : 0);
  w.close();
}

void writeMdhd(BoxWriter& w, const TrackConfig& track) {
  w.openFull("mdhd", 0, 0);  // §8.4.2
  w.u32(0);                  // creation_time
  w.u32(0);                  // modification_time
  w.u32(track.timescale);
  w.u32(0);       // duration
  w.u16(0x55C4);  // pad 0, language 'und' (ISO 639-2/T, 5 bits per letter minus 0x60)
  w.u16(0);       // pre_defined
  w.close();
}

void writeHdlr(BoxWriter& w, const TrackConfig& track) {
  const bool video = track.kind == TrackConfig::Kind::kVideo;
  w.openFull("hdlr", 0, 0);  // §8.4.3
  w.u32(0);                  // pre_defined
  w.fourcc(video ? "vide" : "soun");
  w.zeros(3 * 4);  // reserved
  w.cString(video ? "VideoHandler" : "SoundHandler");
  w.close();
}

void writeDinf(BoxWriter& w) {
  w.open("dinf");            // §8.7.1
  w.openFull("dref", 0, 0);  // §8.7.2
  w.u32(1);                  // entry_count
  w.openFull("url ", 0, 1);  // flags 1: the media data is in this file
  w.close();
  w.close();
  w.close();
}

// The fields every SampleEntry starts with (§8.5.2.2).
void writeSampleEntryHeader(BoxWriter& w) {
  w.zeros(6);  // reserved
  w.u16(1);    // data_reference_index: the one 'url ' entry
}

void writeVisualSampleEntry(BoxWriter& w, const TrackConfig& track) {
  switch (track.codec) {
    case media::Codec::kH264:
      w.open("avc1");
      break;
    case media::Codec::kHevc:
      w.open("hvc1");
      break;
    default:
      w.open("av01");
      break;
  }
  writeSampleEntryHeader(w);  // VisualSampleEntry, §12.1.3.2
  w.u16(0);                   // pre_defined
  w.u16(0);                   // reserved
  w.zeros(3 * 4);             // pre_defined
  w.u16(static_cast<uint16_t>(std::min<uint32_t>(track.width, 0xFFFF)));
  w.u16(static_cast<uint16_t>(std::min<uint32_t>(track.height, 0xFFFF)));
  w.u32(0x00480000);  // horizresolution 72 dpi
  w.u32(0x00480000);  // vertresolution 72 dpi
  w.u32(0);           // reserved
  w.u16(1);           // frame_count
  w.zeros(32);        // compressorname: empty Pascal string
  w.u16(0x0018);      // depth: colour, no alpha
  w.i16(-1);          // pre_defined
  switch (track.codec) {
    case media::Codec::kH264:
      w.open("avcC");  // 14496-15 §5.4.2.1: the AVCDecoderConfigurationRecord
      break;
    case media::Codec::kHevc:
      w.open("hvcC");  // §8.4.1.1: the HEVCDecoderConfigurationRecord
      break;
    default:
      w.open("av1C");  // AV1-ISOBMFF §2.3.3: the AV1CodecConfigurationRecord
      break;
  }
  w.bytes(track.decoderConfig.span());
  w.close();
  w.close();
}

// An MPEG-4 Systems descriptor header (ISO/IEC 14496-1 §8.3.3): tag, then
// sizeOfInstance in 7-bit groups, most significant first, 0x80 = more follow.
size_t descriptorHeaderSize(size_t payload) {
  size_t n = 1;
  while (payload >= (size_t{1} << (7 * n)) && n < 4) ++n;
  return 1 + n;
}

void writeDescriptorHeader(BoxWriter& w, uint8_t tag, size_t payload) {
  w.u8(tag);
  const size_t n = descriptorHeaderSize(payload) - 1;
  for (size_t i = n; i-- > 0;) {
    const auto group = static_cast<uint8_t>((payload >> (7 * i)) & 0x7F);
    w.u8(i ? group | 0x80 : group);
  }
}

void writeEsds(BoxWriter& w, const TrackConfig& track) {
  constexpr uint8_t kEsDescrTag = 0x03;
  constexpr uint8_t kDecoderConfigDescrTag = 0x04;
  constexpr uint8_t kDecSpecificInfoTag = 0x05;
  constexpr uint8_t kSlConfigDescrTag = 0x06;
  const size_t asc = track.decoderConfig.size();
  const size_t decoderSpecific = descriptorHeaderSize(asc) + asc;
  const size_t decoderConfig = 13 + decoderSpecific;
  const size_t slConfig = descriptorHeaderSize(1) + 1;
  const size_t es = 3 + descriptorHeaderSize(decoderConfig) + decoderConfig + slConfig;

  w.openFull("esds", 0, 0);  // 14496-14 §5.6.1
  writeDescriptorHeader(w, kEsDescrTag, es);
  w.u16(0);  // ES_ID: 0 in a file (14496-14 §3.1.2)
  w.u8(0);   // streamDependenceFlag, URL_Flag, OCRstreamFlag 0; streamPriority 0
  writeDescriptorHeader(w, kDecoderConfigDescrTag, decoderConfig);
  w.u8(0x40);  // objectTypeIndication: Audio ISO/IEC 14496-3
  w.u8(0x15);  // streamType 5 (audio) << 2 | upStream 0 | reserved 1
  w.u24(0);    // bufferSizeDB: unknown
  w.u32(0);    // maxBitrate: unknown
  w.u32(0);    // avgBitrate: unknown (variable)
  writeDescriptorHeader(w, kDecSpecificInfoTag, asc);
  w.bytes(track.decoderConfig.span());  // AudioSpecificConfig
  writeDescriptorHeader(w, kSlConfigDescrTag, 1);
  w.u8(0x02);  // predefined: reserved for use in MP4 files
  w.close();
}

void writeAudioSampleEntry(BoxWriter& w, const TrackConfig& track) {
  const uint32_t rate = track.sampleRate ? track.sampleRate : track.timescale;
  w.open("mp4a");
  writeSampleEntryHeader(w);  // AudioSampleEntry, §12.2.3.2
  w.zeros(2 * 4);             // reserved
  w.u16(static_cast<uint16_t>(track.channels ? std::min<uint32_t>(track.channels, 0xFFFF) : 2));
  w.u16(16);  // samplesize
  w.u16(0);   // pre_defined
  w.u16(0);   // reserved
  // samplerate, 16.16; rates above 65535 Hz do not fit and are left 0 (the
  // decoder takes the rate from the AudioSpecificConfig).
  w.u32(rate <= 0xFFFF ? rate << 16 : 0);
  writeEsds(w, track);
  w.close();
}

void writeStbl(BoxWriter& w, const TrackConfig& track) {
  w.open("stbl");            // §8.5.1
  w.openFull("stsd", 0, 0);  // §8.5.2
  w.u32(1);                  // entry_count
  if (track.kind == TrackConfig::Kind::kVideo) {
    writeVisualSampleEntry(w, track);
  } else {
    writeAudioSampleEntry(w, track);
  }
  w.close();
  // The sample tables are empty: every sample is described by a trun.
  w.openFull("stts", 0, 0);
  w.u32(0);  // entry_count
  w.close();
  w.openFull("stsc", 0, 0);
  w.u32(0);  // entry_count
  w.close();
  w.openFull("stsz", 0, 0);
  w.u32(0);  // sample_size
  w.u32(0);  // sample_count
  w.close();
  w.openFull("stco", 0, 0);
  w.u32(0);  // entry_count
  w.close();
  w.close();
}

void writeMinf(BoxWriter& w, const TrackConfig& track) {
  w.open("minf");
  if (track.kind == TrackConfig::Kind::kVideo) {
    w.openFull("vmhd", 0, 1);  // §12.1.2; flags 1 as the standard requires
    w.u16(0);                  // graphicsmode: copy
    w.zeros(3 * 2);            // opcolor
    w.close();
  } else {
    w.openFull("smhd", 0, 0);  // §12.2.2
    w.i16(0);                  // balance: centre
    w.u16(0);                  // reserved
    w.close();
  }
  writeDinf(w);
  writeStbl(w, track);
  w.close();
}

void writeMvex(BoxWriter& w) {
  w.open("mvex");            // §8.8.1
  w.openFull("trex", 0, 0);  // §8.8.3: no defaults, every trun says all
  w.u32(kTrackId);
  w.u32(1);  // default_sample_description_index
  w.u32(0);  // default_sample_duration
  w.u32(0);  // default_sample_size
  w.u32(0);  // default_sample_flags
  w.close();
  w.close();
}

bool segmentable(const TrackConfig& track) {
  switch (track.codec) {
    case media::Codec::kH264:
    case media::Codec::kHevc:
    case media::Codec::kAv1:
      return track.kind == TrackConfig::Kind::kVideo;
    case media::Codec::kAac:
      return track.kind == TrackConfig::Kind::kAudio;
    default:
      return false;
  }
}

}  // namespace

base::Bytes writeInitSegment(const TrackConfig& track) {
  if (!segmentable(track)) return {};
  BoxWriter w(768 + track.decoderConfig.size());
  writeFtyp(w, track);
  w.open("moov");
  writeMvhd(w, track);
  w.open("trak");
  writeTkhd(w, track);
  w.open("mdia");
  writeMdhd(w, track);
  writeHdlr(w, track);
  writeMinf(w, track);
  w.close();  // mdia
  w.close();  // trak
  writeMvex(w);
  w.close();  // moov
  return w.finish();
}

}  // namespace rtmp::hls
