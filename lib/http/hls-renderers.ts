/** The playlist and MPD writers the HLS handler uses unless told otherwise. */
import type { HlsRenderers } from './hls-handler';
import { renderMasterPlaylist } from './hls/master-playlist';
import { renderMediaPlaylist } from './hls/media-playlist';

export const defaultRenderers: HlsRenderers = {
  master: (view, options) => renderMasterPlaylist(view, options),
  media: (view, track, options) => renderMediaPlaylist(view, track, options),
};
