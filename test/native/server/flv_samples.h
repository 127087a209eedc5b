// Hand-written FLV tag bodies (the payloads of RTMP audio/video messages) for
// the server tests. Layouts: Adobe FLV v10.1 annex E.4.2 (audio) / E.4.3
// (video), ISO 14496-15 §5.3.3.1 (AVCDecoderConfigurationRecord), ISO 14496-3
// §1.6.2.1 (AudioSpecificConfig).
//
// Every coded frame carries a tag byte in its NAL/raw data so a test can tell
// frames apart (and check they arrive byte-identical) without parsing them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace rtmp::server::testing {

using ByteVec = std::vector<uint8_t>;

inline ByteVec join(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Video tag body, AVC sequence header: the record x264 writes for 1280x720
// High@3.1 (SPS/PPS bytes as captured in test/native/media/media_test_vectors.h).
inline ByteVec avcSequenceHeader() {
  return {
      0x17,              // FrameType 1 (key) | CodecID 7 (AVC)
      0x00,              // AVCPacketType 0: sequence header
      0x00, 0x00, 0x00,  // CompositionTime 0
      // AVCDecoderConfigurationRecord
      0x01,        // configurationVersion
      0x64,        // AVCProfileIndication 100 (High)
      0x00,        // profile_compatibility
      0x1F,        // AVCLevelIndication 31
      0xFF,        // 111111b | lengthSizeMinusOne 3
      0xE1,        // 111b | numOfSequenceParameterSets 1
      0x00, 0x1A,  // sequenceParameterSetLength 26
      0x67, 0x64, 0x00, 0x1F, 0xAC, 0xD9, 0x40, 0x50, 0x05, 0xBB, 0x01, 0x10, 0x00,  // SPS
      0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xC0, 0xF1, 0x83, 0x19, 0x60,  //
      0x01,                                // numOfPictureParameterSets 1
      0x00, 0x06,                          // pictureParameterSetLength 6
      0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0,  // PPS
      0xFD,                                // 111111b | chroma_format 1
      0xF8,                                // 11111b | bit_depth_luma_minus8 0
      0xF8,                                // 11111b | bit_depth_chroma_minus8 0
      0x00,                                // numOfSequenceParameterSetExt 0
  };
}

// s24 composition time offset, big-endian (E.4.3.1 CompositionTime SI24).
inline ByteVec si24(int32_t v) {
  auto u = static_cast<uint32_t>(v);
  return {static_cast<uint8_t>(u >> 16), static_cast<uint8_t>(u >> 8), static_cast<uint8_t>(u)};
}

// One length-prefixed NAL unit (4-byte lengths, lengthSizeMinusOne 3), padded
// with `extra` filler bytes so large frames can be made.
inline ByteVec nal(ByteVec bytes, size_t extra = 0) {
  for (size_t i = 0; i < extra; ++i) bytes.push_back(static_cast<uint8_t>(0x80 | (i & 0x7F)));
  auto n = static_cast<uint32_t>(bytes.size());
  ByteVec out;
  out.reserve(4 + bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(n >> shift));
  for (uint8_t b : bytes) out.push_back(b);
  return out;
}

// Video tag body, AVC keyframe: 17 01 <cts> [len][IDR slice 65 88 84 tag].
inline ByteVec avcKeyframe(uint8_t tag, int32_t cts = 0, size_t extra = 0) {
  return join({{0x17,   // FrameType 1 (key) | CodecID 7
                0x01},  // AVCPacketType 1: NALUs
               si24(cts),
               nal({0x65, 0x88, 0x84, tag}, extra)});  // nal_unit_type 5 (IDR)
}

// Video tag body, AVC inter frame: 27 01 <cts> [len][non-IDR slice 41 9A tag].
inline ByteVec avcInterframe(uint8_t tag, int32_t cts = 0, size_t extra = 0) {
  return join({{0x27,   // FrameType 2 (inter) | CodecID 7
                0x01},  // AVCPacketType 1: NALUs
               si24(cts),
               nal({0x41, 0x9A, tag}, extra)});  // nal_unit_type 1 (non-IDR)
}

// Audio tag body, AAC sequence header: AudioSpecificConfig 12 10 =
// object type 2 (LC), frequency index 4 (44100), channel configuration 2.
inline ByteVec aacSequenceHeader() {
  return {0xAF,  // SoundFormat 10 (AAC) | rate 3 | 16-bit | stereo
          0x00,  // AACPacketType 0: sequence header
          0x12, 0x10};
}

// Audio tag body, one raw AAC frame (the bytes after af 01 are opaque here).
inline ByteVec aacRaw(uint8_t tag) {
  return {0xAF,  // SoundFormat 10 | rate 3 | 16-bit | stereo
          0x01,  // AACPacketType 1: raw
          0x21, 0x10, 0x04, tag};
}

// The tag byte of a frame made above (last byte of its NAL or raw data,
// before any filler); 0xFF for anything else.
inline uint8_t frameTag(const ByteVec& body) {
  if (body.size() >= 12 && body[0] == 0x17 && body[1] == 0x01) return body[12];
  if (body.size() >= 12 && body[0] == 0x27 && body[1] == 0x01) return body[11];
  if (body.size() == 6 && body[0] == 0xAF && body[1] == 0x01) return body[5];
  return 0xFF;
}

}  // namespace rtmp::server::testing
