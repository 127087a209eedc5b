// Recognizes AMF0 data messages (RTMP 1.0 §7.1.2, type 18) by their first
// value, without decoding the rest: the server looks at every data message
// of a publisher, and only metadata needs a full AMF decode.
//
// The first value of such a message is an AMF0 string (§2.4 of AMF0):
//
//   02 | 00 0D | '@' 's' 'e' 't' 'D' 'a' 't' 'a' 'F' 'r' 'a' 'm' 'e'
//   02 | 00 0A | 'o' 'n' 'M' 'e' 't' 'a' 'D' 'a' 't' 'a'
//   marker | u16 BE length | UTF-8 bytes
//
// Encoders send `@setDataFrame, onMetaData, {…}`; players expect the same data
// without the first value, as a plain `onMetaData, {…}` message. A string
// spelled with the long-string marker (0x0C) is not recognized: no encoder
// sends one, and players would not recognize it either.
#pragma once

#include <cstdint>
#include <span>

#include "base/bytes.h"

namespace rtmp::protocol {

// If body starts with the AMF0 string "@setDataFrame", drops that value
// (body becomes a slice of itself, nothing copied) and returns true;
// otherwise leaves body as it is and returns false.
bool stripSetDataFrame(base::Bytes& body);

// True when payload starts with the AMF0 string "onMetaData".
bool isOnMetaData(std::span<const uint8_t> payload);

}  // namespace rtmp::protocol
