#include "hls/ts_packetizer.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "base/bytes.h"

namespace rtmp::hls {
namespace {

using ByteVec = std::vector<uint8_t>;
using Piece = std::span<const uint8_t>;

ByteVec counting(size_t n, uint8_t from = 0) {
  ByteVec v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

ByteVec writePes(uint16_t pid, const TsPesStart& start, const std::vector<Piece>& pieces,
                 TsContinuity& cc) {
  base::BytesBuilder out;
  writeTsPes(pid, start, pieces, cc, out);
  base::Bytes b = out.freeze();
  return ByteVec(b.data(), b.data() + b.size());
}

// The payload bytes of every packet, adaptation fields skipped.
ByteVec payloadOf(const ByteVec& ts) {
  ByteVec out;
  for (size_t at = 0; at < ts.size(); at += kTsPacketSize) {
    const uint8_t* p = ts.data() + at;
    size_t start = kTsHeaderSize;
    if (p[3] & 0x20) start += 1 + p[4];
    out.insert(out.end(), p + start, p + kTsPacketSize);
  }
  return out;
}

TEST(TsPacketizer, SmallPesIsStuffedThroughTheAdaptationField) {
  TsContinuity cc;
  const ByteVec body = counting(10);
  const ByteVec ts = writePes(0x101, {}, {body}, cc);
  ASSERT_EQ(ts.size(), kTsPacketSize);
  EXPECT_EQ(ts[0], 0x47);  // sync_byte
  EXPECT_EQ(ts[1], 0x41);  // payload_unit_start_indicator 1, PID high bits 00001
  EXPECT_EQ(ts[2], 0x01);  // PID low bits: 0x101
  EXPECT_EQ(ts[3], 0x30);  // adaptation field and payload, continuity_counter 0
  EXPECT_EQ(ts[4], 173);   // adaptation_field_length: 184 - 10 - 1
  EXPECT_EQ(ts[5], 0x00);  // no flags
  for (size_t i = 6; i < kTsPacketSize - 10; ++i) ASSERT_EQ(ts[i], 0xFF) << i;
  EXPECT_EQ(ByteVec(ts.end() - 10, ts.end()), body);
}

TEST(TsPacketizer, OneByteOfStuffingIsAnEmptyAdaptationField) {
  TsContinuity cc;
  const ByteVec body = counting(183);
  const ByteVec ts = writePes(0x100, {}, {body}, cc);
  ASSERT_EQ(ts.size(), kTsPacketSize);
  EXPECT_EQ(ts[3], 0x30);
  EXPECT_EQ(ts[4], 0x00);  // adaptation_field_length 0: the length byte is the stuffing
  EXPECT_EQ(ByteVec(ts.begin() + 5, ts.end()), body);
}

TEST(TsPacketizer, ExactFitNeedsNoAdaptationField) {
  TsContinuity cc;
  const ByteVec body = counting(184);
  const ByteVec ts = writePes(0x100, {}, {body}, cc);
  ASSERT_EQ(ts.size(), kTsPacketSize);
  EXPECT_EQ(ts[3], 0x10);  // payload only
  EXPECT_EQ(ByteVec(ts.begin() + 4, ts.end()), body);
}

TEST(TsPacketizer, LastPacketCarriesTheStuffing) {
  TsContinuity cc;
  const ByteVec body = counting(185);
  const ByteVec ts = writePes(0x100, {}, {body}, cc);
  ASSERT_EQ(ts.size(), 2 * kTsPacketSize);
  EXPECT_EQ(ts[3], 0x10);             // first: payload only, counter 0
  EXPECT_EQ(ts[188 + 1], 0x01);       // second: no unit start
  EXPECT_EQ(ts[188 + 3], 0x31);       // adaptation field and payload, counter 1
  EXPECT_EQ(ts[188 + 4], 182);        // 184 - 1 payload byte - 1 length byte
  EXPECT_EQ(ts.back(), body.back());  // the one remaining byte ends the packet
}

TEST(TsPacketizer, KeyframeStartCarriesPcrAndRandomAccess) {
  TsContinuity cc;
  const ByteVec body = counting(300);
  // PCR base 0x1_2345_6789 (33 bits).
  const ByteVec ts = writePes(0x100, {true, 0x123456789}, {body}, cc);
  ASSERT_EQ(ts.size(), 2 * kTsPacketSize);
  const ByteVec field(ts.begin() + 4, ts.begin() + 12);
  const ByteVec expected = {
      0x07,                    // adaptation_field_length 7
      0x50,                    // random_access_indicator 1, PCR_flag 1
      0x91, 0xA2, 0xB3, 0xC4,  // PCR base bits 32..1
      0xFE,                    // base bit 0 = 1, reserved 111111, extension bit 8 = 0
      0x00,                    // extension bits 7..0
  };
  EXPECT_EQ(field, expected);
  EXPECT_EQ(payloadOf(ts), body);
  // The second packet carries the rest (300 - 176 = 124) behind stuffing.
  EXPECT_EQ(ts[188 + 4], 184 - 124 - 1);
}

TEST(TsPacketizer, PiecesAreGatheredAcrossPacketBoundaries) {
  TsContinuity cc;
  const ByteVec a = counting(5), b = counting(200, 5), c = counting(1, 205), d = counting(400, 206);
  const ByteVec ts = writePes(0x100, {true, std::nullopt}, {a, b, Piece(), c, d}, cc);
  ByteVec all = a;
  for (const ByteVec* v : {&b, &c, &d}) all.insert(all.end(), v->begin(), v->end());
  EXPECT_EQ(payloadOf(ts), all);
  EXPECT_EQ(ts[4], 1);     // random access only: length 1
  EXPECT_EQ(ts[5], 0x40);  // random_access_indicator
}

TEST(TsPacketizer, PacketCountMatchesWhatIsWritten) {
  for (size_t size :
       {1u, 100u, 175u, 176u, 177u, 182u, 183u, 184u, 185u, 360u, 368u, 369u, 5000u, 65536u}) {
    for (const TsPesStart& start : {TsPesStart{}, TsPesStart{true, std::nullopt},
                                    TsPesStart{true, 5}, TsPesStart{false, 5}}) {
      TsContinuity cc;
      const ByteVec body = counting(size);
      const ByteVec ts = writePes(0x100, start, {body}, cc);
      EXPECT_EQ(ts.size(), tsPacketCountForPes(size, start) * kTsPacketSize) << size;
      EXPECT_EQ(payloadOf(ts), body) << size;
    }
  }
}

TEST(TsPacketizer, ContinuityCountersArePerPidAndWrap) {
  TsContinuity cc;
  const ByteVec body = counting(184 * 17);  // 17 packets
  const ByteVec ts = writePes(0x100, {}, {body}, cc);
  for (size_t i = 0; i < 17; ++i) EXPECT_EQ(ts[i * kTsPacketSize + 3] & 0x0F, i % 16) << i;
  EXPECT_EQ(cc.peek(0x100), 1);
  EXPECT_EQ(cc.peek(0x101), 0);
  const ByteVec audio = writePes(0x101, {}, {counting(3)}, cc);
  EXPECT_EQ(audio[3] & 0x0F, 0);
  EXPECT_EQ(cc.peek(0x101), 1);
}

TEST(TsPacketizer, SectionIsPaddedWithFf) {
  TsContinuity cc;
  const ByteVec section = counting(16);
  base::BytesBuilder out;
  ASSERT_TRUE(writeTsSection(0x0000, section, cc, out));
  ASSERT_TRUE(writeTsSection(0x0000, section, cc, out));
  base::Bytes b = out.freeze();
  ASSERT_EQ(b.size(), 2 * kTsPacketSize);
  const ByteVec ts(b.data(), b.data() + b.size());
  EXPECT_EQ(ByteVec(ts.begin(), ts.begin() + 5), (ByteVec{0x47, 0x40, 0x00, 0x10, 0x00}));
  EXPECT_EQ(ByteVec(ts.begin() + 5, ts.begin() + 21), section);
  for (size_t i = 21; i < kTsPacketSize; ++i) ASSERT_EQ(ts[i], 0xFF) << i;
  EXPECT_EQ(ts[188 + 3], 0x11);  // the second one counts on

  base::BytesBuilder tooLong;
  EXPECT_FALSE(writeTsSection(0x1000, counting(184), cc, tooLong));
  EXPECT_EQ(tooLong.size(), 0u);
}

}  // namespace
}  // namespace rtmp::hls
