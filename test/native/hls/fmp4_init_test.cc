// Init segments: the whole AAC header byte by byte (ISO/IEC 14496-12 and
// 14496-14 field by field), then the video sample entries box by box.
#include "hls/fmp4_init.h"

#include <gtest/gtest.h>

#include "base/endian.h"
#include "hls/fmp4_test_util.h"
#include "media/media_test_vectors.h"

namespace rtmp::hls {
namespace {

using testing::ByteVec;
using testing::cat;
using testing::find;
using testing::fourcc;
using testing::hex;
using testing::toBytes;
using testing::toVector;

const std::string kUnityMatrix =
    "00010000 00000000 00000000  00000000 00010000 00000000  00000000 00000000 40000000";

TrackConfig aacTrack() {
  TrackConfig t = testing::track(TrackConfig::Kind::kAudio, media::Codec::kAac, 44100, hex("1210"));
  t.sampleRate = 44100;
  t.channels = 2;
  return t;
}

TrackConfig avcTrack() {
  TrackConfig t = testing::track(TrackConfig::Kind::kVideo, media::Codec::kH264, 90000,
                                 media::testing::kAvcRecord720);
  t.width = 1280;
  t.height = 720;
  return t;
}

TEST(Fmp4Init, AacHeaderByteByByte) {
  const auto expected = cat({
      hex("0000001C"),
      fourcc("ftyp"),  // ftyp, 28 bytes
      fourcc("iso6"),
      hex("00000000"),  // major brand, minor version
      fourcc("iso6"),
      fourcc("cmfc"),
      fourcc("mp41"),  // compatible brands
      hex("00000238"),
      fourcc("moov"),  // moov, 568 bytes
      hex("0000006C"),
      fourcc("mvhd"),
      hex("00 000000"),                             // | mvhd, 108, version 0
      hex("00000000 00000000"),                     // creation, modification time
      hex("0000AC44 00000000"),                     // timescale 44100, duration 0
      hex("00010000 0100 0000 00000000 00000000"),  // rate 1.0, volume 1.0, reserved
      hex(kUnityMatrix),                            // matrix
      hex("00000000 00000000 00000000 00000000 00000000 00000000"),  // pre_defined
      hex("00000002"),                                               // next_track_ID
      hex("0000019C"),
      fourcc("trak"),  // | trak, 412
      hex("0000005C"),
      fourcc("tkhd"),
      hex("00 000003"),                   // | | tkhd, 92, enabled|in_movie
      hex("00000000 00000000"),           // creation, modification time
      hex("00000001 00000000 00000000"),  // track_ID 1, reserved, duration
      hex("00000000 00000000"),           // reserved
      hex("0000 0000 0100 0000"),         // layer, alternate_group, volume 1.0, reserved
      hex(kUnityMatrix),
      hex("00000000 00000000"),  // width, height: 0 for audio
      hex("00000138"),
      fourcc("mdia"),  // | | mdia, 312
      hex("00000020"),
      fourcc("mdhd"),
      hex("00 000000"),                            // | | | mdhd, 32
      hex("00000000 00000000 0000AC44 00000000"),  // times, timescale 44100, duration
      hex("55C4 0000"),                            // language 'und', pre_defined
      hex("0000002D"),
      fourcc("hdlr"),
      hex("00 000000"),  // | | | hdlr, 45
      hex("00000000"),
      fourcc("soun"),                     // pre_defined, handler_type
      hex("00000000 00000000 00000000"),  // reserved
      fourcc("SoundHandler"),
      hex("00"),  // name
      hex("000000E3"),
      fourcc("minf"),  // | | | minf, 227
      hex("00000010"),
      fourcc("smhd"),
      hex("00 000000"),  // | | | | smhd, 16
      hex("0000 0000"),  // balance, reserved
      hex("00000024"),
      fourcc("dinf"),  // | | | | dinf, 36
      hex("0000001C"),
      fourcc("dref"),
      hex("00 000000"),  // | | | | | dref, 28
      hex("00000001"),   // entry_count
      hex("0000000C"),
      fourcc("url "),
      hex("00 000001"),  // | | | | | | url, self-contained
      hex("000000A7"),
      fourcc("stbl"),  // | | | | stbl, 167
      hex("0000005B"),
      fourcc("stsd"),
      hex("00 000000"),  // | | | | | stsd, 91
      hex("00000001"),   // entry_count
      hex("0000004B"),
      fourcc("mp4a"),              // | | | | | | mp4a, 75
      hex("000000000000 0001"),    // reserved, data_reference_index 1
      hex("00000000 00000000"),    // reserved
      hex("0002 0010 0000 0000"),  // channelcount 2, samplesize 16, pre_defined, reserved
      hex("AC440000"),             // samplerate 44100 << 16
      hex("00000027"),
      fourcc("esds"),
      hex("00 000000"),                 // | | | | | | | esds, 39
      hex("03 19"),                     // ES_Descriptor, 25 bytes
      hex("0000 00"),                   // ES_ID 0, no dependence/URL/OCR, priority 0
      hex("04 11"),                     // DecoderConfigDescriptor, 17 bytes
      hex("40 15"),                     // MPEG-4 audio, streamType 5 << 2 | reserved 1
      hex("000000 00000000 00000000"),  // bufferSizeDB, maxBitrate, avgBitrate
      hex("05 02 1210"),                // DecoderSpecificInfo: the AudioSpecificConfig
      hex("06 01 02"),                  // SLConfigDescriptor: predefined 2 (MP4)
      hex("00000010"),
      fourcc("stts"),
      hex("00 000000 00000000"),  // | | | | | stts, empty
      hex("00000010"),
      fourcc("stsc"),
      hex("00 000000 00000000"),  // | | | | | stsc, empty
      hex("00000014"),
      fourcc("stsz"),
      hex("00 000000 00000000 00000000"),  // stsz, empty
      hex("00000010"),
      fourcc("stco"),
      hex("00 000000 00000000"),  // | | | | | stco, empty
      hex("00000028"),
      fourcc("mvex"),  // | mvex, 40
      hex("00000020"),
      fourcc("trex"),
      hex("00 000000"),                   // | | trex, 32
      hex("00000001 00000001"),           // track_ID 1, default_sample_description_index 1
      hex("00000000 00000000 00000000"),  // default duration, size, flags
  });
  EXPECT_EQ(toVector(writeInitSegment(aacTrack())), expected);
}

TEST(Fmp4Init, AvcSampleEntryCarriesTheRecordAndTheSize) {
  const base::Bytes init = writeInitSegment(avcTrack());
  const auto top = testing::boxes(init.span());
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].type, "ftyp");
  EXPECT_EQ(top[1].type, "moov");
  EXPECT_EQ(top[1].whole.size() + top[0].whole.size(), init.size());

  auto tkhd = find(init.span(), {"moov", "trak", "tkhd"});
  ASSERT_TRUE(tkhd);
  // width and height (16.16) are the last 8 bytes; volume 0 for video.
  EXPECT_EQ(toVector(tkhd->payload.last(8)), hex("05000000 02D00000"));
  EXPECT_EQ(toVector(tkhd->payload.subspan(4 + 32, 2)), hex("0000"));

  auto hdlr = find(init.span(), {"moov", "trak", "mdia", "hdlr"});
  ASSERT_TRUE(hdlr);
  EXPECT_EQ(toVector(hdlr->payload.subspan(8, 4)), fourcc("vide"));
  auto mdhd = find(init.span(), {"moov", "trak", "mdia", "mdhd"});
  ASSERT_TRUE(mdhd);
  EXPECT_EQ(base::loadBe32(mdhd->payload.data() + 12), 90000u);
  EXPECT_TRUE(find(init.span(), {"moov", "trak", "mdia", "minf", "vmhd"}));
  EXPECT_FALSE(find(init.span(), {"moov", "trak", "mdia", "minf", "smhd"}));

  auto avc1 = find(init.span(), {"moov", "trak", "mdia", "minf", "stbl", "stsd", "avc1"});
  ASSERT_TRUE(avc1);
  EXPECT_EQ(toVector(avc1->payload.first(78)),
            cat({hex("000000000000 0001"),                     // reserved, data_reference_index 1
                 hex("0000 0000 00000000 00000000 00000000"),  // pre_defined, reserved
                 hex("0500 02D0"),                             // width 1280, height 720
                 hex("00480000 00480000 00000000"),            // 72 dpi, 72 dpi, reserved
                 hex("0001"),                                  // frame_count 1
                 ByteVec(32, 0),                               // compressorname (empty)
                 hex("0018 FFFF")}));                          // depth 24, pre_defined -1
  auto avcC = find(init.span(), {"moov", "trak", "mdia", "minf", "stbl", "stsd", "avc1", "avcC"});
  ASSERT_TRUE(avcC);
  EXPECT_EQ(toVector(avcC->payload), media::testing::kAvcRecord720);

  auto trex = find(init.span(), {"moov", "mvex", "trex"});
  ASSERT_TRUE(trex);
  EXPECT_EQ(toVector(trex->payload), hex("00000000 00000001 00000001 00000000 00000000 00000000"));
}

TEST(Fmp4Init, HevcUsesHvc1WithTheRecord) {
  TrackConfig t = testing::track(TrackConfig::Kind::kVideo, media::Codec::kHevc, 90000,
                                 media::testing::kHevcRecord720);
  t.width = 1280;
  t.height = 720;
  const base::Bytes init = writeInitSegment(t);
  auto hvcC = find(init.span(), {"moov", "trak", "mdia", "minf", "stbl", "stsd", "hvc1", "hvcC"});
  ASSERT_TRUE(hvcC);
  EXPECT_EQ(toVector(hvcC->payload), media::testing::kHevcRecord720);
  auto ftyp = find(init.span(), {"ftyp"});
  ASSERT_TRUE(ftyp);
  EXPECT_EQ(ftyp->whole.size(), 28u);  // no codec brand for HEVC
}

TEST(Fmp4Init, Av1UsesAv01AndAddsItsBrand) {
  TrackConfig t = testing::track(TrackConfig::Kind::kVideo, media::Codec::kAv1, 90000,
                                 media::testing::kAomAv1C);
  t.width = 640;
  t.height = 360;
  const base::Bytes init = writeInitSegment(t);
  auto av1C = find(init.span(), {"moov", "trak", "mdia", "minf", "stbl", "stsd", "av01", "av1C"});
  ASSERT_TRUE(av1C);
  EXPECT_EQ(toVector(av1C->payload), media::testing::kAomAv1C);
  auto ftyp = find(init.span(), {"ftyp"});
  ASSERT_TRUE(ftyp);
  EXPECT_EQ(toVector(ftyp->payload), cat({fourcc("iso6"), hex("00000000"), fourcc("iso6"),
                                          fourcc("cmfc"), fourcc("mp41"), fourcc("av01")}));
}

TEST(Fmp4Init, LongAudioSpecificConfigGetsATwoByteDescriptorSize) {
  // 14496-1 §8.3.3: sizeOfInstance in 7-bit groups; 200 = 0x81 0x48.
  TrackConfig t = aacTrack();
  ByteVec asc(200, 0x55);
  asc[0] = 0x12;
  asc[1] = 0x10;
  t.decoderConfig = toBytes(asc);
  const base::Bytes init = writeInitSegment(t);
  auto esds = find(init.span(), {"moov", "trak", "mdia", "minf", "stbl", "stsd", "mp4a", "esds"});
  ASSERT_TRUE(esds);
  const auto p = esds->payload;
  // version/flags, ES_Descriptor: 3 + (1 + 2 + 13 + (1 + 2 + 200)) + 3 = 225 = 0x81 0x61.
  EXPECT_EQ(toVector(p.first(7)), hex("00000000 03 8161"));
  EXPECT_EQ(toVector(p.subspan(10, 3)), hex("04 8158"));  // 13 + 203 = 216
  EXPECT_EQ(toVector(p.subspan(26, 3)), hex("05 8148"));  // 200
  EXPECT_EQ(toVector(p.subspan(29, 200)), asc);
  EXPECT_EQ(toVector(p.last(3)), hex("06 01 02"));
}

TEST(Fmp4Init, MonoAndUnknownChannelCounts) {
  TrackConfig t = aacTrack();
  t.channels = 1;
  t.sampleRate = 48000;
  t.timescale = 48000;
  const base::Bytes init = writeInitSegment(t);
  auto mp4a = find(init.span(), {"moov", "trak", "mdia", "minf", "stbl", "stsd", "mp4a"});
  ASSERT_TRUE(mp4a);
  EXPECT_EQ(toVector(mp4a->payload.subspan(16, 12)), hex("0001 0010 0000 0000 BB800000"));
  t.channels = 0;  // program_config_element: the decoder reads it from the ASC
  const base::Bytes init2 = writeInitSegment(t);
  mp4a = find(init2.span(), {"moov", "trak", "mdia", "minf", "stbl", "stsd", "mp4a"});
  ASSERT_TRUE(mp4a);
  EXPECT_EQ(toVector(mp4a->payload.subspan(16, 2)), hex("0002"));
}

TEST(Fmp4Init, UnsegmentableTracksGiveNothing) {
  TrackConfig opus =
      testing::track(TrackConfig::Kind::kAudio, media::Codec::kOpus, 48000, hex("00"));
  EXPECT_TRUE(writeInitSegment(opus).empty());
  TrackConfig vp9 = testing::track(TrackConfig::Kind::kVideo, media::Codec::kVp9, 90000, hex("00"));
  EXPECT_TRUE(writeInitSegment(vp9).empty());
  // A kind that does not match the codec is a caller bug; nothing is written.
  TrackConfig mixed = aacTrack();
  mixed.kind = TrackConfig::Kind::kVideo;
  EXPECT_TRUE(writeInitSegment(mixed).empty());
}

}  // namespace
}  // namespace rtmp::hls
