// Typed views of the commands a server receives (RTMP 1.0 §7.2.1 and
// §7.2.2) and of the responses a client receives. Each parser checks the
// command name and argument types; wrong types are kCommand errors that say
// which argument, never a crash. Unknown extra arguments are ignored.
//
// Argument layouts (after name and transaction id):
//   connect          cmdObj{app, flashVer, tcUrl, ...} [optional user args]
//   createStream     null
//   releaseStream    null, name            (also FCPublish, FCUnpublish,
//                                           getStreamLength)
//   publish          null, name, type      ("live" | "record" | "append")
//   play             null, name, [start=-2], [duration=-1], [reset]
//   play2            null, parameters{streamName, oldStreamName, start, len,
//                                      offset, transition}
//   deleteStream     null, streamId
//   closeStream      null
//   receiveAudio/Video null, flag
//   pause            null, pause flag, milliseconds
//   seek             null, milliseconds
//   _result/_error   properties|null, information
//   onStatus         null, info{level, code, description}
//   onFCPublish      null, info{code, description}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "protocol/amf_value.h"
#include "protocol/command.h"

namespace rtmp::protocol {

// §7.2.1.1. String fields are empty when the client left them out.
struct ConnectRequest {
  double transactionId = 0;
  std::string app;       // required
  std::string flashVer;  // the spec spells it "flashver"; clients send "flashVer"
  std::string swfUrl;
  std::string tcUrl;
  std::string pageUrl;
  std::string type;           // "nonprivate" from FMLE-style encoders
  double objectEncoding = 0;  // 0 = AMF0, 3 = AMF3
  std::optional<double> audioCodecs;
  std::optional<double> videoCodecs;
  std::optional<double> videoFunction;
  // Enhanced RTMP: FourCCs the client supports, its capability bits and the
  // per-codec capability maps (kept as received).
  std::vector<std::string> fourCcList;
  std::optional<double> capsEx;
  AmfValue videoFourCcInfoMap;  // undefined when absent
  AmfValue audioFourCcInfoMap;
  AmfValue commandObject;      // everything, for fields not listed here
  std::vector<AmfValue> args;  // optional user arguments
};

struct CreateStreamRequest {
  double transactionId = 0;
};

// releaseStream, FCPublish, FCUnpublish, getStreamLength: a stream name.
struct StreamNameRequest {
  double transactionId = 0;
  std::string streamName;
};

enum class PublishType : uint8_t { kLive, kRecord, kAppend };

struct PublishRequest {
  double transactionId = 0;
  std::string streamName;  // may carry "?query"
  PublishType type = PublishType::kLive;
};

struct PlayRequest {
  double transactionId = 0;
  std::string streamName;
  // -2: live, else recorded, else nothing; -1: live only; >= 0: recorded
  // from that many ms (§7.2.2.1).
  double start = -2;
  double duration = -1;       // -1: until the end
  std::optional<bool> reset;  // absent when not sent
};

struct Play2Request {
  double transactionId = 0;
  AmfValue parameters;  // the whole object (NetStreamPlayOptions)
  std::string streamName;
  std::string oldStreamName;
  std::string transition;  // "switch", "swap", ...
  double start = -2;
  double len = -1;
  std::optional<double> offset;
};

struct DeleteStreamRequest {
  double transactionId = 0;
  uint32_t streamId = 0;
};

struct CloseStreamRequest {
  double transactionId = 0;
};

// receiveAudio / receiveVideo.
struct ReceiveRequest {
  bool enable = true;
};

struct PauseRequest {
  bool pause = true;
  double milliseconds = 0;
};

struct SeekRequest {
  double milliseconds = 0;
};

// Client side ------------------------------------------------------------

// The info object of onStatus / _error / onFCPublish.
struct StatusInfo {
  std::string level;
  std::string code;
  std::string description;
  AmfValue info;  // the whole object
};

// _result or _error.
struct ResultResponse {
  bool isError = false;
  double transactionId = 0;
  AmfValue properties;   // command object (null for most results)
  AmfValue information;  // first argument, undefined when absent
  // When the information is a number (createStream's _result: the stream id).
  std::optional<double> number() const { return information.asNumber(); }
  // When the information is an info object.
  std::optional<StatusInfo> status() const;
};

struct BWDoneNotice {
  std::optional<double> bandwidthKbps;  // some servers pass a figure
};

base::Result<ConnectRequest> parseConnect(const Command& command);
base::Result<CreateStreamRequest> parseCreateStream(const Command& command);
// Accepts releaseStream, FCPublish, FCUnpublish and getStreamLength.
base::Result<StreamNameRequest> parseStreamNameCommand(const Command& command);
base::Result<PublishRequest> parsePublish(const Command& command);
base::Result<PlayRequest> parsePlay(const Command& command);
base::Result<Play2Request> parsePlay2(const Command& command);
base::Result<DeleteStreamRequest> parseDeleteStream(const Command& command);
base::Result<CloseStreamRequest> parseCloseStream(const Command& command);
// Accepts receiveAudio and receiveVideo.
base::Result<ReceiveRequest> parseReceive(const Command& command);
base::Result<PauseRequest> parsePause(const Command& command);
base::Result<SeekRequest> parseSeek(const Command& command);

// Accepts _result and _error.
base::Result<ResultResponse> parseResult(const Command& command);
// onStatus (info in the first argument; a few servers put it in the
// command object instead, which is accepted too).
base::Result<StatusInfo> parseOnStatus(const Command& command);
// Accepts onFCPublish and onFCUnpublish.
base::Result<StatusInfo> parseOnFCPublish(const Command& command);
base::Result<BWDoneNotice> parseOnBWDone(const Command& command);

// "live" / "record" / "append"; nullopt for anything else.
std::optional<PublishType> publishTypeFromString(std::string_view type);
std::string_view publishTypeName(PublishType type);

}  // namespace rtmp::protocol
