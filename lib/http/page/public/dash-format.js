// rtmp-engine dashboard: numbers and names as people read them.

/** 2610.4 → "2.61 Mb/s", 96 → "96 kb/s". */
export function bitrate(kbps) {
  if (typeof kbps !== 'number' || !isFinite(kbps)) return '–';
  if (kbps >= 1000) return (kbps / 1000).toFixed(kbps >= 10000 ? 1 : 2) + ' Mb/s';
  return Math.round(kbps) + ' kb/s';
}

/** 123456789 → "123 MB". */
export function bytes(n) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return (i === 0 ? n : n.toFixed(n >= 100 ? 0 : 1)) + ' ' + units[i];
}

/** Seconds → "3 h 12 min", "45 s". */
export function duration(seconds) {
  if (typeof seconds !== 'number' || !isFinite(seconds) || seconds < 0) return '–';
  const s = Math.floor(seconds);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}

/** Time since a Unix ms, short. */
export function since(ms) {
  return typeof ms === 'number' ? duration((Date.now() - ms) / 1000) : '–';
}

/** The engine's codec names as operators know them. */
const CODEC_NAMES = { H264: 'H.264', HEVC: 'HEVC', AV1: 'AV1', VP9: 'VP9', AAC: 'AAC', MP3: 'MP3', OPUS: 'Opus' };

export function codecName(codec) {
  return CODEC_NAMES[codec] || String(codec || '?');
}

/** Admin API video info → "1280×720 · H.264 High · 30 fps". */
export function videoLine(video, measuredFps) {
  if (!video) return 'no video';
  const parts = [];
  if (video.width && video.height) parts.push(video.width + '×' + video.height);
  parts.push(codecName(video.codec) + (video.profile ? ' ' + video.profile : ''));
  const fps = typeof measuredFps === 'number' && measuredFps > 0 ? measuredFps : video.fps;
  if (fps) parts.push(Math.round(fps * 10) / 10 + ' fps');
  return parts.join(' · ');
}

/** Admin API audio info → "AAC · 48 kHz · 2 ch". */
export function audioLine(audio) {
  if (!audio) return 'no audio';
  const parts = [codecName(audio.codec)];
  if (audio.sampleRate) parts.push(audio.sampleRate / 1000 + ' kHz');
  if (audio.channels) parts.push(audio.channels + ' ch');
  return parts.join(' · ');
}

/** Viewers by protocol → "3 viewers · RTMP 1 · RTMPS 1 · HLS 1", leaving out the zeros. */
export function viewersLine(v) {
  if (!v) return '–';
  const total = (v.rtmp || 0) + (v.rtmps || 0) + (v.hls || 0) + (v.dash || 0);
  const parts = [total + (total === 1 ? ' viewer' : ' viewers')];
  if (v.rtmp) parts.push('RTMP ' + v.rtmp);
  if (v.rtmps) parts.push('RTMPS ' + v.rtmps);
  if (v.hls) parts.push('HLS ' + v.hls);
  if (v.dash) parts.push('DASH ' + v.dash);
  return parts.join(' · ');
}

/** "app/name" → "/app/name" with each segment percent-encoded. */
export function encodePath(path) {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Sets an element's text only when it changed (no layout work for equal text). */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}
