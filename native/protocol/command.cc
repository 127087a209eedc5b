#include "protocol/command.h"

#include "base/byte_writer.h"
#include "protocol/amf0.h"

namespace rtmp::protocol {

using base::Error;
using base::ErrorCode;
using base::Result;
using detail::errorf;

namespace {

constexpr uint8_t kAmf3FormatByte = 0x00;

// Type 15/17 payloads start with a format byte, 0x00, then AMF0 values.
// A name is a string, so an AMF0 value can never start with 0x00 here: when
// the byte is missing (a few clients omit it) we read the values directly.
std::span<const uint8_t> stripEnvelope(std::span<const uint8_t> payload, bool amf3Envelope) {
  if (amf3Envelope && !payload.empty() && payload[0] == kAmf3FormatByte) {
    return payload.subspan(1);
  }
  return payload;
}

std::string nameForContext(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 32)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  return out;
}

}  // namespace

bool isCommandMessage(const Message& message) {
  return message.type() == MessageType::kCommandAmf0 || message.type() == MessageType::kCommandAmf3;
}

bool isDataMessage(const Message& message) {
  return message.type() == MessageType::kDataAmf0 || message.type() == MessageType::kDataAmf3;
}

Result<Command> decodeCommandPayload(std::span<const uint8_t> payload, bool amf3Envelope,
                                     const AmfLimits& limits) {
  Amf0Decoder decoder(stripEnvelope(payload, amf3Envelope), limits);
  if (decoder.atEnd()) return Error(ErrorCode::kCommand, "command: empty payload");
  Command cmd;
  {
    Result<AmfValue> name = decoder.next();
    if (!name.ok()) return std::move(name).error().withContext("command name");
    const std::string* s = name->asString();
    if (s == nullptr) {
      return errorf(ErrorCode::kCommand, "command name is a %s, not a string",
                    std::string(amfTypeName(name->type())).c_str());
    }
    cmd.name = *s;
  }
  const std::string where = "command '" + nameForContext(cmd.name) + "'";
  if (!decoder.atEnd()) {
    Result<AmfValue> txn = decoder.next();
    if (!txn.ok()) return std::move(txn).error().withContext(where + ": transaction id");
    std::optional<double> id = txn->asNumber();
    if (!id) {
      return Error(ErrorCode::kCommand,
                   where + ": transaction id is a " + std::string(amfTypeName(txn->type())));
    }
    cmd.transactionId = *id;
  }
  if (!decoder.atEnd()) {
    Result<AmfValue> obj = decoder.next();
    if (!obj.ok()) return std::move(obj).error().withContext(where + ": command object");
    cmd.commandObject = std::move(obj).value();
  }
  while (!decoder.atEnd()) {
    Result<AmfValue> arg = decoder.next();
    if (!arg.ok()) {
      return std::move(arg).error().withContext(where + ": argument " +
                                                std::to_string(cmd.args.size() + 1));
    }
    cmd.args.push_back(std::move(arg).value());
  }
  return cmd;
}

Result<Command> decodeCommand(const Message& message, const AmfLimits& limits) {
  if (!isCommandMessage(message)) {
    return errorf(ErrorCode::kCommand, "message type %u is not a command", message.typeId);
  }
  return decodeCommandPayload(message.payload.span(), message.type() == MessageType::kCommandAmf3,
                              limits);
}

Result<DataMessage> decodeDataPayload(std::span<const uint8_t> payload, bool amf3Envelope,
                                      const AmfLimits& limits) {
  Amf0Decoder decoder(stripEnvelope(payload, amf3Envelope), limits);
  if (decoder.atEnd()) return Error(ErrorCode::kCommand, "data message: empty payload");
  DataMessage data;
  {
    Result<AmfValue> name = decoder.next();
    if (!name.ok()) return std::move(name).error().withContext("data message name");
    const std::string* s = name->asString();
    if (s == nullptr) {
      return errorf(ErrorCode::kCommand, "data message name is a %s, not a string",
                    std::string(amfTypeName(name->type())).c_str());
    }
    data.name = *s;
  }
  while (!decoder.atEnd()) {
    Result<AmfValue> v = decoder.next();
    if (!v.ok()) {
      return std::move(v).error().withContext("data message '" + nameForContext(data.name) +
                                              "': value " + std::to_string(data.values.size() + 1));
    }
    data.values.push_back(std::move(v).value());
  }
  return data;
}

Result<DataMessage> decodeData(const Message& message, const AmfLimits& limits) {
  if (!isDataMessage(message)) {
    return errorf(ErrorCode::kCommand, "message type %u is not a data message", message.typeId);
  }
  return decodeDataPayload(message.payload.span(), message.type() == MessageType::kDataAmf3,
                           limits);
}

const AmfValue* metadataOf(const DataMessage& data) {
  if (data.name == commands::kSetDataFrame) {
    if (data.values.size() >= 2 && data.values[0].stringOr("") == commands::kOnMetaData) {
      return &data.values[1];
    }
    return nullptr;
  }
  if (data.name == commands::kOnMetaData && !data.values.empty()) return &data.values[0];
  return nullptr;
}

Result<Message> encodeCommand(const Command& command, uint32_t csid, uint32_t streamId) {
  base::ByteWriter out(128);
  RTMP_TRY(encodeAmf0(AmfValue::string(command.name), out));
  RTMP_TRY(encodeAmf0(AmfValue::number(command.transactionId), out));
  RTMP_TRY(encodeAmf0(command.commandObject, out));
  RTMP_TRY(encodeAmf0(command.args, out));
  Message m;
  m.csid = csid;
  m.typeId = static_cast<uint8_t>(MessageType::kCommandAmf0);
  m.streamId = streamId;
  m.payload = base::Bytes::copyOf(out.span());
  return m;
}

Result<Message> encodeData(const DataMessage& data, uint32_t csid, uint32_t streamId) {
  base::ByteWriter out(128);
  RTMP_TRY(encodeAmf0(AmfValue::string(data.name), out));
  RTMP_TRY(encodeAmf0(data.values, out));
  Message m;
  m.csid = csid;
  m.typeId = static_cast<uint8_t>(MessageType::kDataAmf0);
  m.streamId = streamId;
  m.payload = base::Bytes::copyOf(out.span());
  return m;
}

}  // namespace rtmp::protocol
