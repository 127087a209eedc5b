#include "server/decode_tap.h"

namespace rtmp::server {

media::MediaPacketPtr DecodeTap::packetOf(const SharedMediaRef& media) {
  // Aliasing constructor: points at the packet, owns the SharedMedia.
  return media ? media::MediaPacketPtr(media, &media->packet) : nullptr;
}

void DecodeTap::onStart(const JoinSnapshot& snapshot) {
  if (!snapshot.publishing) return;  // onPublisherBack and media will follow
  if (snapshot.videoHeader) decoder_->pushSnapshot(packetOf(snapshot.videoHeader));
  if (snapshot.audioHeader) decoder_->pushSnapshot(packetOf(snapshot.audioHeader));
  for (const SharedMediaRef& m : snapshot.gop) decoder_->pushSnapshot(packetOf(m));
}

void DecodeTap::onMedia(const SharedMediaRef& media) {
  decoder_->push(packetOf(media));  // a refusal is counted by the decoder
}

void DecodeTap::onPublisherGone() {
  decoder_->publisherGone();
}

void DecodeTap::onPublisherBack() {
  decoder_->publisherBack();
}

}  // namespace rtmp::server
