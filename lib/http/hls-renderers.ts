/** The playlist and MPD writers the HLS handler uses unless told otherwise. */
import type { HlsRenderers } from './hls-handler';
import { renderMpd } from './dash/mpd';
import { renderMasterPlaylist } from './hls/master-playlist';
import { renderMediaPlaylist } from './hls/media-playlist';

export const defaultRenderers: HlsRenderers = {
  master: (view, options) => renderMasterPlaylist(view, options),
  media: (view, track, options) => renderMediaPlaylist(view, track, options),
  mpd: (view, options) => renderMpd(view, options),
};
