// Command and data messages (RTMP 1.0 §7.1.1, §7.1.2, §7.2).
//
// Command message (type 20 AMF0; type 17 AMF3):
//   [0x00]              type 17 only: format byte, then AMF0 values follow
//   string  name        "connect", "publish", "_result", "onStatus", ...
//   number  transaction id
//   object|null  command object
//   value*  arguments
// In type 17 any value may switch to AMF3 with the avmplus marker 0x11.
//
// Data message (type 18 AMF0; type 15 AMF3, same leading 0x00):
//   string  name        "@setDataFrame", "onMetaData", "|RtmpSampleAccess", ...
//   value*  values
//
// We always encode AMF0 (types 20 and 18): every peer reads it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "protocol/amf_value.h"
#include "protocol/message.h"

namespace rtmp::protocol {

// Command names used by NetConnection and NetStream (§7.2).
namespace commands {
inline constexpr std::string_view kConnect = "connect";
inline constexpr std::string_view kCall = "call";
inline constexpr std::string_view kClose = "close";
inline constexpr std::string_view kCreateStream = "createStream";
inline constexpr std::string_view kResult = "_result";
inline constexpr std::string_view kError = "_error";
inline constexpr std::string_view kOnStatus = "onStatus";
inline constexpr std::string_view kOnBWDone = "onBWDone";
inline constexpr std::string_view kReleaseStream = "releaseStream";
inline constexpr std::string_view kFCPublish = "FCPublish";
inline constexpr std::string_view kFCUnpublish = "FCUnpublish";
inline constexpr std::string_view kOnFCPublish = "onFCPublish";
inline constexpr std::string_view kOnFCUnpublish = "onFCUnpublish";
inline constexpr std::string_view kPublish = "publish";
inline constexpr std::string_view kPlay = "play";
inline constexpr std::string_view kPlay2 = "play2";
inline constexpr std::string_view kDeleteStream = "deleteStream";
inline constexpr std::string_view kCloseStream = "closeStream";
inline constexpr std::string_view kGetStreamLength = "getStreamLength";
inline constexpr std::string_view kReceiveAudio = "receiveAudio";
inline constexpr std::string_view kReceiveVideo = "receiveVideo";
inline constexpr std::string_view kSeek = "seek";
inline constexpr std::string_view kPause = "pause";
// Data message names.
inline constexpr std::string_view kSetDataFrame = "@setDataFrame";
inline constexpr std::string_view kClearDataFrame = "@clearDataFrame";
inline constexpr std::string_view kOnMetaData = "onMetaData";
inline constexpr std::string_view kRtmpSampleAccess = "|RtmpSampleAccess";
}  // namespace commands

struct Command {
  std::string name;
  double transactionId = 0;
  AmfValue commandObject = AmfValue::null();  // null when absent
  std::vector<AmfValue> args;

  // args[i], or nullptr when there are fewer arguments.
  const AmfValue* arg(size_t i) const { return i < args.size() ? &args[i] : nullptr; }
};

struct DataMessage {
  std::string name;
  std::vector<AmfValue> values;
};

bool isCommandMessage(const Message& message);  // type 17 or 20
bool isDataMessage(const Message& message);     // type 15 or 18

// Decodes a command message. The name must be a string (kCommand
// otherwise); a missing transaction id reads as 0 and a missing command
// object as null, but a transaction id of the wrong type is kCommand.
base::Result<Command> decodeCommand(const Message& message, const AmfLimits& limits = {});
// The same from a bare payload; amf3Envelope skips type 17's format byte.
base::Result<Command> decodeCommandPayload(std::span<const uint8_t> payload, bool amf3Envelope,
                                           const AmfLimits& limits = {});

// Decodes a data message: a string name, then values.
base::Result<DataMessage> decodeData(const Message& message, const AmfLimits& limits = {});
base::Result<DataMessage> decodeDataPayload(std::span<const uint8_t> payload, bool amf3Envelope,
                                            const AmfLimits& limits = {});

// The metadata object carried by "@setDataFrame", "onMetaData", {...} or by
// "onMetaData", {...}; nullptr for any other data message.
const AmfValue* metadataOf(const DataMessage& data);

// Encodes as an AMF0 command (type 20) / data (type 18) message.
base::Result<Message> encodeCommand(const Command& command, uint32_t csid, uint32_t streamId);
base::Result<Message> encodeData(const DataMessage& data, uint32_t csid, uint32_t streamId);

}  // namespace rtmp::protocol
