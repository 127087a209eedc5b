/** The HLS/DASH store and text writers, for the HTTP handler and for users mounting their own. */
export { HlsStore } from './store';
export type { HlsStoreOptions, HlsStoreCounters, HlsTimers, HlsWaitResult } from './store';
export { renderMediaPlaylist } from './media-playlist';
export type { MediaPlaylistOptions } from './media-playlist';
export { renderMasterPlaylist } from './master-playlist';
export type { MasterPlaylistOptions } from './master-playlist';
export { renderMpd, kDefaultUtcTimingUrl } from '../dash/mpd';
export type { MpdOptions } from '../dash/mpd';
export { hlsNames, parseHlsName, playlistTracks } from './names';
export type { HlsResource } from './names';
export type { HlsBandwidth, HlsBytes, HlsLookup, HlsPartInfo, HlsSegmentInfo, HlsStreamView } from './view';
export type { HlsFeedItem, HlsFeedCounters, HlsTrackInfo, HlsTrackKind } from './feed';
