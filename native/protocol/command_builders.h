// Builders for the command and data messages a server sends (responses and
// notifications) and a client sends (our relay client), encoded as AMF0
// (types 20 / 18). RTMP 1.0 §7.2.1 (NetConnection), §7.2.2 (NetStream).
//
// Chunk streams: NetConnection commands go on csid 3 (stream id 0); NetStream
// commands and data messages go on csid 5 with the NetStream's message
// stream id, as nginx-rtmp and SRS do. Every builder returns a Result
// because the values it embeds may come from the application (an
// onMetaData object whose key AMF0 cannot express fails with
// kInvalidArgument instead of producing a broken message).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "protocol/amf_value.h"
#include "protocol/command.h"
#include "protocol/message.h"
#include "protocol/status_codes.h"

namespace rtmp::protocol {

inline constexpr uint32_t kCsidNetConnection = kCsidCommand;  // 3
inline constexpr uint32_t kCsidNetStream = kCsidData;         // 5

// Server side --------------------------------------------------------------

struct ConnectResultOptions {
  std::string fmsVer = "FMS/3,0,1,123";  // what Flash-era clients expect to see
  double capabilities = 31;
  double mode = 1;
  double objectEncoding = 0;  // echo the client's objectEncoding
  std::string description = "Connection succeeded.";
  // Enhanced RTMP: the server's side of the negotiation, in properties.
  std::vector<std::string> fourCcList;  // omitted when empty
  std::optional<double> capsEx;
};

// "_result", txn, {fmsVer, capabilities, mode},
//   {level: "status", code: "NetConnection.Connect.Success", description, objectEncoding}
base::Result<Message> buildConnectResult(double transactionId,
                                         const ConnectResultOptions& options = {});

// Extra fields of an info object.
struct StatusExtras {
  std::optional<std::string> details;  // usually the stream name
  AmfValue clientId;                   // "clientid"; omitted when undefined
  std::vector<AmfProperty> more;       // appended as given
};

// The info object {level, code, description, [details], [clientid], ...}.
AmfValue makeStatusInfo(const StatusCode& code, std::string_view description,
                        const StatusExtras& extras = {});

// "_error", txn, null, info (e.g. NetConnection.Connect.Rejected).
base::Result<Message> buildError(double transactionId, const StatusCode& code,
                                 std::string_view description, const StatusExtras& extras = {});

// "_result", txn, properties, args... (generic: releaseStream, FCPublish, ...).
base::Result<Message> buildResult(double transactionId, AmfValue properties = AmfValue::null(),
                                  std::vector<AmfValue> args = {});

// "_result", txn, null, streamId.
base::Result<Message> buildCreateStreamResult(double transactionId, uint32_t streamId);

// "onStatus", 0, null, info. Stream id 0 sends it on the NetConnection.
base::Result<Message> buildOnStatus(uint32_t streamId, const StatusCode& code,
                                    std::string_view description, const StatusExtras& extras = {});

// "onFCPublish" / "onFCUnpublish", 0, null, {code, description: streamName}.
base::Result<Message> buildOnFCPublish(std::string_view streamName);
base::Result<Message> buildOnFCUnpublish(std::string_view streamName);

// "onBWDone", 0, null.
base::Result<Message> buildOnBWDone();

// Data: "|RtmpSampleAccess", audio, video (lets Flash players read samples).
base::Result<Message> buildSampleAccess(uint32_t streamId, bool audio = true, bool video = true);
// Data: "@setDataFrame", "onMetaData", metadata (what a publisher sends).
base::Result<Message> buildSetDataFrame(uint32_t streamId, const AmfValue& metadata);
// Data: "onMetaData", metadata (what a player receives).
base::Result<Message> buildOnMetaData(uint32_t streamId, const AmfValue& metadata);

// Client side (relay client) -------------------------------------------------

struct ConnectParams {
  std::string app;
  std::string tcUrl;
  std::string flashVer = "FMLE/3.0 (compatible; rtmp-engine)";
  std::string type = "nonprivate";
  std::string swfUrl;   // omitted when empty
  std::string pageUrl;  // omitted when empty
  std::optional<double> audioCodecs;
  std::optional<double> videoCodecs;
  std::optional<double> videoFunction;
  double objectEncoding = 0;
  std::vector<std::string> fourCcList;  // Enhanced RTMP; omitted when empty
  std::optional<double> capsEx;
};

base::Result<Message> buildConnect(double transactionId, const ConnectParams& params);
base::Result<Message> buildCreateStream(double transactionId);
base::Result<Message> buildReleaseStream(double transactionId, std::string_view streamName);
base::Result<Message> buildFCPublish(double transactionId, std::string_view streamName);
base::Result<Message> buildFCUnpublish(double transactionId, std::string_view streamName);
// "publish", 0, null, name, type on the NetStream.
base::Result<Message> buildPublish(uint32_t streamId, std::string_view streamName,
                                   std::string_view type = "live");
// "play", 0, null, name, start, duration[, reset] on the NetStream.
base::Result<Message> buildPlay(uint32_t streamId, std::string_view streamName, double start = -2,
                                double duration = -1, std::optional<bool> reset = std::nullopt);
// "deleteStream", txn, null, streamId on the NetConnection.
base::Result<Message> buildDeleteStream(double transactionId, uint32_t streamId);

}  // namespace rtmp::protocol
