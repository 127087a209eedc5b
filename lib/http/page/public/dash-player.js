// rtmp-engine dashboard: the selected stream's player. hls.js in LL-HLS mode
// with the watch page's settings (public/player.js), native HLS where there is
// no MediaSource; the latency is now minus the program date-time of the frame
// on screen, as hls.js reports it.

const RETRY_MS = 2000;

function hlsConfig() {
  return {
    lowLatencyMode: true,
    // hls.js's catch-up needs more than 1 s buffered, which an LL-HLS player
    // never has: live-catch-up.js does it instead (see there), so this is off.
    maxLiveSyncPlaybackRate: 1,
    backBufferLength: 30,
  };
}

export class StreamPlayer {
  constructor(video, overlay, onState) {
    this.video = video;
    this.overlay = overlay;
    this.onState = onState;
    this.hls = null;
    this.stopCatchUp = () => {};
    this.url = '';
    this.mode = '';
    this.timer = 0;
    this.generation = 0;
    video.addEventListener('playing', () => this.state('playing', true));
    video.addEventListener('waiting', () => this.state('buffering'));
  }

  state(text, playing) {
    this.overlay.textContent = text;
    this.overlay.hidden = !!playing;
    this.onState(text);
  }

  /** Plays `url` (an HLS playlist); '' stops. */
  play(url, offText) {
    if (url === this.url && (this.hls || !url)) return;
    this.stop();
    this.url = url;
    if (!url) {
      this.state(offText || 'Select a stream');
      return;
    }
    this.start(++this.generation);
  }

  start(generation) {
    if (generation !== this.generation) return;
    const video = this.video;
    this.state('connecting');
    if (window.Hls && window.Hls.isSupported()) {
      const hls = new window.Hls(hlsConfig());
      this.hls = hls;
      this.mode = 'hls.js';
      if (window.rtmpEngineLiveCatchUp) this.stopCatchUp = window.rtmpEngineLiveCatchUp.start(hls, video);
      hls.on(window.Hls.Events.LEVEL_LOADED, (_e, data) => {
        this.mode = data.details && data.details.partTarget ? 'hls.js · LL-HLS' : 'hls.js · HLS';
      });
      hls.on(window.Hls.Events.MANIFEST_PARSED, () => this.autoplay());
      hls.on(window.Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal || this.hls !== hls) return;
        this.stopCatchUp();
        hls.destroy();
        this.hls = null;
        const status = data.response && data.response.code;
        this.state(status ? 'offline (HTTP ' + status + '), retrying' : 'error (' + data.details + '), retrying');
        this.timer = setTimeout(() => this.start(generation), RETRY_MS);
      });
      hls.loadSource(this.url);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      this.mode = 'native HLS';
      video.src = this.url;
      this.autoplay();
    } else {
      this.state('this browser cannot play HLS');
    }
  }

  autoplay() {
    const p = this.video.play();
    if (p && p.catch) p.catch(() => { /* autoplay refused: the controls are there */ });
  }

  stop() {
    clearTimeout(this.timer);
    this.generation++;
    this.stopCatchUp();
    if (this.hls) this.hls.destroy();
    this.hls = null;
    this.url = '';
    this.mode = '';
    this.video.removeAttribute('src');
    this.video.load();
  }

  /** Seconds behind the publisher, NaN when unknown. */
  latency() {
    if (this.hls) {
      const date = this.hls.playingDate;
      return date ? (Date.now() - date.getTime()) / 1000 : NaN;
    }
    const v = this.video;
    const start = v.getStartDate ? v.getStartDate().getTime() : NaN;
    return isFinite(start) ? (Date.now() - (start + v.currentTime * 1000)) / 1000 : NaN;
  }
}
