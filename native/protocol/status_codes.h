// Standard NetConnection / NetStream status codes and their levels, as sent
// in the info object of onStatus, _result and _error (RTMP 1.0 §7.2; the
// code/level table of ActionScript 3's NetStatusEvent.info).
//
// Codes marked "(not Adobe)" are not in Adobe's table but are what other
// servers send and what common clients (librtmp, FFmpeg, OBS) recognise.
#pragma once

#include <string_view>

namespace rtmp::protocol {

namespace status_level {
inline constexpr std::string_view kStatus = "status";
inline constexpr std::string_view kWarning = "warning";
inline constexpr std::string_view kError = "error";
}  // namespace status_level

// A code with the level it is sent at.
struct StatusCode {
  std::string_view code;
  std::string_view level;
};

namespace status {

// NetConnection
inline constexpr StatusCode kConnectSuccess{"NetConnection.Connect.Success", status_level::kStatus};
inline constexpr StatusCode kConnectRejected{"NetConnection.Connect.Rejected",
                                             status_level::kError};
inline constexpr StatusCode kConnectFailed{"NetConnection.Connect.Failed", status_level::kError};
inline constexpr StatusCode kConnectClosed{"NetConnection.Connect.Closed", status_level::kStatus};
inline constexpr StatusCode kConnectInvalidApp{"NetConnection.Connect.InvalidApp",
                                               status_level::kError};
inline constexpr StatusCode kConnectAppShutdown{"NetConnection.Connect.AppShutdown",
                                                status_level::kError};
inline constexpr StatusCode kConnectIdleTimeout{"NetConnection.Connect.IdleTimeout",
                                                status_level::kStatus};
inline constexpr StatusCode kCallFailed{"NetConnection.Call.Failed", status_level::kError};
inline constexpr StatusCode kCallBadVersion{"NetConnection.Call.BadVersion", status_level::kError};

// NetStream: publishing
inline constexpr StatusCode kPublishStart{"NetStream.Publish.Start", status_level::kStatus};
// The stream name is already being published.
inline constexpr StatusCode kPublishBadName{"NetStream.Publish.BadName", status_level::kError};
inline constexpr StatusCode kPublishIdle{"NetStream.Publish.Idle", status_level::kStatus};
// (not Adobe) Publishing refused, e.g. by an auth hook; librtmp and FFmpeg
// treat it as fatal.
inline constexpr StatusCode kPublishDenied{"NetStream.Publish.Denied", status_level::kError};
// (not Adobe) Sent by Node-Media-Server-style servers on auth failure. Some
// of them spell it "NetStream.publish.Unauthorized"; we send this spelling.
inline constexpr StatusCode kPublishUnauthorized{"NetStream.Publish.Unauthorized",
                                                 status_level::kError};
inline constexpr StatusCode kUnpublishSuccess{"NetStream.Unpublish.Success", status_level::kStatus};

// NetStream: playing
inline constexpr StatusCode kPlayStart{"NetStream.Play.Start", status_level::kStatus};
inline constexpr StatusCode kPlayReset{"NetStream.Play.Reset", status_level::kStatus};
inline constexpr StatusCode kPlayStop{"NetStream.Play.Stop", status_level::kStatus};
inline constexpr StatusCode kPlayFailed{"NetStream.Play.Failed", status_level::kError};
inline constexpr StatusCode kPlayStreamNotFound{"NetStream.Play.StreamNotFound",
                                                status_level::kError};
inline constexpr StatusCode kPlayPublishNotify{"NetStream.Play.PublishNotify",
                                               status_level::kStatus};
inline constexpr StatusCode kPlayUnpublishNotify{"NetStream.Play.UnpublishNotify",
                                                 status_level::kStatus};
inline constexpr StatusCode kPlayInsufficientBW{"NetStream.Play.InsufficientBW",
                                                status_level::kWarning};
inline constexpr StatusCode kPlayComplete{"NetStream.Play.Complete", status_level::kStatus};
inline constexpr StatusCode kDataStart{"NetStream.Data.Start", status_level::kStatus};

// NetStream: pause and seek
inline constexpr StatusCode kPauseNotify{"NetStream.Pause.Notify", status_level::kStatus};
inline constexpr StatusCode kUnpauseNotify{"NetStream.Unpause.Notify", status_level::kStatus};
inline constexpr StatusCode kSeekNotify{"NetStream.Seek.Notify", status_level::kStatus};
inline constexpr StatusCode kSeekFailed{"NetStream.Seek.Failed", status_level::kError};

// NetStream: generic
inline constexpr StatusCode kStreamFailed{"NetStream.Failed", status_level::kError};

}  // namespace status

}  // namespace rtmp::protocol
