/**
 * The multivariant ("master") playlist (RFC 8216bis §4.4.6): one variant.
 *
 * - fMP4 with video and audio: the video playlist is the variant and the audio
 *   playlist an EXT-X-MEDIA TYPE=AUDIO rendition (CMAF: one track per file).
 * - fMP4 with one track (audio-only or video-only): that playlist is the variant.
 * - TS: one muxed playlist (named after the first track: video.m3u8, or
 *   audio.m3u8 for audio-only) is the variant, with both codecs.
 *
 * BANDWIDTH is the sum of the tracks' peak segment bit rates in the window and
 * AVERAGE-BANDWIDTH the sum of their averages (§4.4.6.2: the largest sum over
 * the renditions that play together). CODECS are the feed's RFC 6381 strings
 * as given. `query` is appended to the media playlist URLs: the carried token
 * and the viewer's session id belong here.
 */
import type { HlsTrackInfo } from './feed';
import { hlsNames, playlistTracks } from './names';
import { withQuery } from './text';
import type { HlsStreamView } from './view';

export interface MasterPlaylistOptions {
  /** Query string for the media playlist URLs (token, session id). */
  query?: string;
}

/** The GROUP-ID of the audio rendition. */
export const kAudioGroup = 'audio';

export function renderMasterPlaylist(view: HlsStreamView, options: MasterPlaylistOptions = {}): string {
  const q = options.query;
  const video = view.tracks.find((t) => t.kind === 'video');
  const audio = view.tracks.find((t) => t.kind === 'audio');
  // No EXT-X-INDEPENDENT-SEGMENTS: the segmenter cuts a segment without a keyframe when a
  // GOP outgrows its bounds, and the tag would claim every segment starts with one.
  const out: string[] = ['#EXTM3U', `#EXT-X-VERSION:${view.format === 'fmp4' ? 6 : 4}`];
  const separateAudio = view.format === 'fmp4' && video !== undefined && audio !== undefined;
  if (separateAudio && audio) {
    const channels = audio.channels ? `,CHANNELS="${audio.channels}"` : '';
    out.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${kAudioGroup}",NAME="audio",DEFAULT=YES,AUTOSELECT=YES${channels},` +
        `URI="${withQuery(hlsNames.playlist('audio'), q)}"`,
    );
  }
  let peak = 0;
  let average = 0;
  for (const t of view.tracks) {
    const bw = view.bandwidth(t.kind);
    peak += bw.peak;
    average += bw.average;
  }
  const attrs = [`BANDWIDTH=${Math.max(1, peak)}`];
  if (average > 0) attrs.push(`AVERAGE-BANDWIDTH=${average}`);
  attrs.push(`CODECS="${view.tracks.map((t: HlsTrackInfo) => t.codec).join(',')}"`);
  if (video?.width && video.height) attrs.push(`RESOLUTION=${video.width}x${video.height}`);
  if (video?.frameRate) attrs.push(`FRAME-RATE=${video.frameRate.toFixed(3)}`);
  if (separateAudio) attrs.push(`AUDIO="${kAudioGroup}"`);
  out.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`);
  out.push(withQuery(hlsNames.playlist(playlistTracks(view)[0] ?? 'video'), q));
  return out.join('\n') + '\n';
}
