// Real parameter sets captured from Debian's ffmpeg 5.1 encoders, so the
// parsers are checked against what OBS/FFmpeg publishers actually send:
//   ffmpeg -f lavfi -i testsrc=size=WxH:rate=R -frames:v 1 -pix_fmt yuv420p
//          -c:v libx264 [-profile:v P] -f flv out.flv        (first video tag)
//   ... -c:v libx265 -tag:v hvc1 out.mp4                      (hvcC box)
//   ... -c:v libaom-av1 out.mp4                               (av1C box)
//   ffmpeg -f lavfi -i sine -ac 2 -c:a aac -f flv out.flv    (first audio tag)
// The NAL units are hex dumps (emulation prevention bytes included); the
// records around them are written out field by field in the tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace rtmp::media::testing {

using ByteVec = std::vector<uint8_t>;

// Appends a string of '0'/'1' (spaces ignored) to prefix, MSB first, padding
// the last byte with zeros. For hand-made bit-level headers.
inline ByteVec bitsToBytes(ByteVec prefix, std::string_view bits) {
  uint8_t byte = 0;
  int n = 0;
  for (char c : bits) {
    if (c != '0' && c != '1') continue;
    byte = static_cast<uint8_t>((byte << 1) | (c == '1'));
    if (++n == 8) {
      prefix.push_back(byte);
      byte = 0;
      n = 0;
    }
  }
  if (n) prefix.push_back(static_cast<uint8_t>(byte << (8 - n)));
  return prefix;
}

// libx264, 1280x720 yuv420p, 30 fps: High, level 3.1, no cropping, VUI timing 1/60.
inline const ByteVec kX264Sps720 = {0x67, 0x64, 0x00, 0x1F, 0xAC, 0xD9, 0x40, 0x50, 0x05,
                                    0xBB, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00,
                                    0x00, 0x03, 0x03, 0xC0, 0xF1, 0x83, 0x19, 0x60};
inline const ByteVec kX264Pps720 = {0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0};

// libx264 -profile:v main, 1920x1080, 25 fps: Main, level 4, coded 1088 rows
// cropped by frame_crop_bottom_offset 4 (× CropUnitY 2 = 8 rows).
inline const ByteVec kX264Sps1080 = {0x67, 0x4D, 0x40, 0x28, 0xEC, 0xA0, 0x3C, 0x01, 0x13,
                                     0xF2, 0xE0, 0x22, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00,
                                     0x00, 0x03, 0x00, 0x64, 0x1E, 0x30, 0x63, 0x2C};
inline const ByteVec kX264Pps1080 = {0x68, 0xEB, 0xE3, 0xCB, 0x20};

// libx264 -profile:v baseline, 320x240, 30 fps: Constrained Baseline, level 1.3.
inline const ByteVec kX264Sps240 = {0x67, 0x42, 0xC0, 0x0D, 0xD9, 0x01, 0x41, 0xFB,
                                    0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00,
                                    0x00, 0x03, 0x03, 0xC0, 0xF1, 0x42, 0xA4, 0x80};

// libx264 from RGB input (its default yuv444p), 1280x720, 30 fps:
// High 4:4:4 Predictive, chroma_format_idc 3, level 3.1.
inline const ByteVec kX264Sps720Yuv444 = {0x67, 0xF4, 0x00, 0x1F, 0x91, 0x9B, 0x28, 0x0A, 0x00,
                                          0xB7, 0x60, 0x22, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00,
                                          0x00, 0x03, 0x00, 0x78, 0x1E, 0x30, 0x63, 0x2C};

// libx265, 1280x720 yuv420p, 30 fps: Main, Main tier, level 3.1 (93).
inline const ByteVec kX265Vps720 = {0x40, 0x01, 0x0C, 0x01, 0xFF, 0xFF, 0x01, 0x60,
                                    0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03,
                                    0x00, 0x00, 0x03, 0x00, 0x5D, 0x95, 0x98, 0x09};
inline const ByteVec kX265Sps720 = {
    0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00,
    0x03, 0x00, 0x5D, 0xA0, 0x02, 0x80, 0x80, 0x2D, 0x16, 0x59, 0x59, 0xA4, 0x93, 0x2B, 0xC0,
    0x5A, 0x02, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x03, 0x00, 0x3C, 0x10};
inline const ByteVec kX265Pps = {0x44, 0x01, 0xC1, 0x72, 0xB4, 0x62, 0x40};

// libx265, 1920x1080, 25 fps: level 4 (120); 1080 is a multiple of the
// 8-sample minimum coding block, so no conformance window.
inline const ByteVec kX265Sps1080 = {
    0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00,
    0x00, 0x03, 0x00, 0x78, 0xA0, 0x03, 0xC0, 0x80, 0x10, 0xE5, 0x96, 0x56, 0x69, 0x24,
    0xCA, 0xF0, 0x16, 0x80, 0x80, 0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x0C, 0x84};

// libx265, 854x480, 24 fps: level 3 (90); coded 856 columns, conformance
// window right offset 1 (× SubWidthC 2 = 2 columns).
inline const ByteVec kX265Sps480 = {
    0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00,
    0x00, 0x03, 0x00, 0x5A, 0xA0, 0x06, 0xB2, 0x01, 0xE1, 0xD7, 0x96, 0x56, 0x69, 0x24,
    0xCA, 0xF0, 0x16, 0x80, 0x80, 0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x0C, 0x04};

// libx265 -pix_fmt yuv420p10le, 640x360, 50 fps: Main 10, level 3.
inline const ByteVec kX265Sps360Main10 = {
    0x42, 0x01, 0x01, 0x02, 0x20, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00,
    0x03, 0x00, 0x5A, 0xA0, 0x05, 0x02, 0x01, 0x69, 0x36, 0x59, 0x59, 0xA4, 0x93, 0x95, 0xE0,
    0x2D, 0x01, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x32, 0x08};

// libaom-av1, 640x360 yuv420p: the whole av1C record.
inline const ByteVec kAomAv1C = {
    0x81,  // marker 1, version 1
    0x01,  // seq_profile 0 (Main), seq_level_idx_0 1 (level 2.1)
    0x0C,  // tier 0, 8-bit, not mono, subsampling_x 1, subsampling_y 1, position 0
    0x00,  // no initial_presentation_delay
    0x0A,  // OBU header: type 1 (sequence header), has_size_field
    0x0B,  // obu_size 11 (leb128)
    0x00, 0x00, 0x00, 0x0C, 0xC4, 0xFF, 0x67, 0x36, 0xBE, 0x40, 0x10,  // sequence_header_obu
};

inline ByteVec concat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The record x264 720p High sends (ffmpeg FLV muxer), with the high-profile tail.
inline const ByteVec kAvcRecord720 = concat({
    {0x01,         // configurationVersion
     0x64,         // AVCProfileIndication 100 (High)
     0x00,         // profile_compatibility
     0x1F,         // AVCLevelIndication 31
     0xFF,         // 111111b | lengthSizeMinusOne 3 → 4-byte lengths
     0xE1,         // 111b | numOfSequenceParameterSets 1
     0x00, 0x1A},  // sequenceParameterSetLength 26
    kX264Sps720,
    {0x01,         // numOfPictureParameterSets 1
     0x00, 0x06},  // pictureParameterSetLength 6
    kX264Pps720,
    {0xFD,   // 111111b | chroma_format 1 (4:2:0)
     0xF8,   // 11111b | bit_depth_luma_minus8 0
     0xF8,   // 11111b | bit_depth_chroma_minus8 0
     0x00},  // numOfSequenceParameterSetExt 0
});

// x265's 720p hvcC, with its VPS/SPS/PPS arrays (the SEI array x265 adds is left out).
inline const ByteVec kHevcRecord720 = concat({
    {0x01,                                // configurationVersion
     0x01,                                // profile_space 0, tier 0 (Main), profile_idc 1 (Main)
     0x60, 0x00, 0x00, 0x00,              // profile_compatibility_flags: Main, Main 10
     0x90, 0x00, 0x00, 0x00, 0x00, 0x00,  // constraint flags: progressive, frame_only
     0x5D,                                // general_level_idc 93 (3.1)
     0xF0, 0x00,                          // 1111b | min_spatial_segmentation_idc 0
     0xFC,                                // 111111b | parallelismType 0
     0xFD,                                // 111111b | chromaFormat 1
     0xF8,                                // 11111b | bitDepthLumaMinus8 0
     0xF8,                                // 11111b | bitDepthChromaMinus8 0
     0x00, 0x00,                          // avgFrameRate 0 (unspecified)
     0x0F,                                // constantFrameRate 0, numTemporalLayers 1,
                                          // temporalIdNested 1, lengthSizeMinusOne 3
     0x03,                                // numOfArrays 3
     0xA0,                                // complete 1, reserved 0, NAL_unit_type 32 (VPS)
     0x00, 0x01,                          // numNalus 1
     0x00, 0x18},                         // nalUnitLength 24
    kX265Vps720,
    {0xA1, 0x00, 0x01, 0x00, 0x2B},  // SPS array: complete, type 33, 1 unit of 43 bytes
    kX265Sps720,
    {0xA2, 0x00, 0x01, 0x00, 0x07},  // PPS array: complete, type 34, 1 unit of 7 bytes
    kX265Pps,
});

}  // namespace rtmp::media::testing
