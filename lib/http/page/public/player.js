// rtmp-engine: the player page. hls.js (LL-HLS) by default, native HLS where
// MediaSource is missing (iOS Safari before 17.1), dash.js with ?player=dash.
// Inputs come from data-* attributes on <body>; nothing from the URL is ever
// written as HTML.
(function () {
  'use strict';
  var body = document.body;
  var mediaBase = body.getAttribute('data-media-base') || '';
  var stream = body.getAttribute('data-stream') || ''; // already percent-encoded per segment
  var kind = body.getAttribute('data-player') === 'dash' ? 'dash' : 'hls';
  var video = document.getElementById('video');
  var overlay = document.getElementById('overlay');
  var RETRY_MS = 2000;
  var STATS_MS = 500;

  // Page-only parameters stay here; everything else (a token) goes on to the
  // playlist/MPD URL, and the server carries it to the URLs inside.
  var carried = new URLSearchParams(location.search);
  carried.delete('player');
  carried.delete('dash');
  var carriedText = carried.toString();
  var suffix = carriedText ? '?' + carriedText : '';
  var hlsUrl = mediaBase + '/' + stream + '/index.m3u8' + suffix;
  var dashUrl = mediaBase + '/' + stream + '/index.mpd' + suffix;

  function pageUrl(player) {
    var q = new URLSearchParams(carried);
    if (player === 'dash') q.set('player', 'dash');
    var text = q.toString();
    return location.pathname + (text ? '?' + text : '');
  }
  document.getElementById('use-hls').href = pageUrl('hls');
  document.getElementById('use-dash').href = pageUrl('dash');
  document.getElementById('media-url').value = new URL(kind === 'dash' ? dashUrl : hlsUrl, location.href).href;

  var stats = {};
  Array.prototype.forEach.call(document.querySelectorAll('[data-stat]'), function (el) {
    stats[el.getAttribute('data-stat')] = el;
  });
  function show(key, text) {
    if (stats[key] && stats[key].textContent !== text) stats[key].textContent = text;
  }

  var state = '';
  function setState(text, playing) {
    state = text;
    show('state', text);
    overlay.textContent = text;
    overlay.hidden = !!playing;
  }

  // What the stats tick asks the active player for.
  var active = { mode: '', latency: function () { return NaN; } };
  // For scripts and tests driving the page (bench/, test/e2e): the live player objects.
  var exposed = { hls: null, dash: null, kind: kind };
  window.rtmpEnginePlayer = exposed;

  function play() {
    var p = video.play();
    if (p && p.catch) p.catch(function () { /* autoplay refused: the controls are there */ });
  }

  // ---------------------------------------------------------------- hls.js
  function hlsConfig() {
    return {
      // LL-HLS: parts, blocking playlist reloads, preload hints.
      lowLatencyMode: true,
      // hls.js's own catch-up off: it speeds up only with more than 1 s
      // buffered ahead, which an LL-HLS player about PART-HOLD-BACK behind the
      // newest part never has (measured: it stays ~1.05 s behind with a 0.6 s
      // target). live-catch-up.js does it with a 0.3 s margin instead.
      maxLiveSyncPlaybackRate: 1,
      // The target latency is left to the server's PART-HOLD-BACK (LL-HLS) or
      // HOLD-BACK / 3 target durations (classic): any liveSyncDuration* here
      // would override what the playlist says (and hls.js accepts
      // liveMaxLatencyDuration* only together with them).
      // Live: no use keeping much played media in the SourceBuffer.
      backBufferLength: 30,
    };
  }

  function startHlsJs() {
    var hls = new window.Hls(hlsConfig());
    exposed.hls = hls;
    var stopCatchUp = window.rtmpEngineLiveCatchUp ? window.rtmpEngineLiveCatchUp.start(hls, video) : function () {};
    var lowLatency = false;
    active = {
      mode: 'hls.js',
      latency: function () {
        var date = hls.playingDate;
        return date ? (Date.now() - date.getTime()) / 1000 : NaN;
      },
    };
    hls.on(window.Hls.Events.LEVEL_LOADED, function (_e, data) {
      lowLatency = !!(data.details && data.details.partTarget);
      active.mode = lowLatency ? 'hls.js · LL-HLS' : 'hls.js · HLS';
    });
    hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
      setState('loading');
      play();
    });
    hls.on(window.Hls.Events.ERROR, function (_e, data) {
      if (!data.fatal) return;
      stopCatchUp();
      hls.destroy();
      exposed.hls = null;
      var status = data.response && data.response.code;
      setState(status ? 'offline (HTTP ' + status + '), retrying' : 'error (' + data.details + '), retrying');
      setTimeout(startHlsJs, RETRY_MS);
    });
    hls.loadSource(hlsUrl);
    hls.attachMedia(video);
  }

  // A tab in the background is throttled and falls behind; catching up from
  // many seconds back at 1.5x would take long, so jump back to the live edge
  // when the page is shown again (hls.js only does it by itself with
  // liveMaxLatencyDuration*, which needs liveSyncDuration* too, see above).
  document.addEventListener('visibilitychange', function () {
    var hls = exposed.hls;
    if (document.hidden || !hls || hls.liveSyncPosition === null) return;
    if (hls.liveSyncPosition - video.currentTime > 3 * (hls.targetLatency || 1)) video.currentTime = hls.liveSyncPosition;
  });

  function startNativeHls() {
    active = {
      mode: 'native HLS',
      latency: function () {
        // Safari: getStartDate() is the PROGRAM-DATE-TIME at media time 0.
        var start = video.getStartDate ? video.getStartDate().getTime() : NaN;
        return isFinite(start) ? (Date.now() - (start + video.currentTime * 1000)) / 1000 : NaN;
      },
    };
    video.addEventListener('error', function () {
      setState('offline, retrying');
      setTimeout(function () {
        video.src = hlsUrl;
        play();
      }, RETRY_MS);
    });
    video.src = hlsUrl;
    play();
  }

  // ---------------------------------------------------------------- dash.js
  function startDash() {
    var player = window.dashjs.MediaPlayer().create();
    exposed.dash = player;
    player.updateSettings({
      debug: { logLevel: window.dashjs.Debug ? window.dashjs.Debug.LOG_LEVEL_WARNING : 2 },
      streaming: {
        // Catch-up also when the MPD is not low-latency, between 0.9x and 1.3x
        // (dash.js's own low-latency default goes to 1.5x, which drains the
        // buffer into stalls whenever the MPD's target is out of reach).
        liveCatchup: { enabled: true, playbackRate: { min: -0.1, max: 0.3 } },
        buffer: { bufferTimeAtTopQuality: 10, bufferTimeAtTopQualityLongForm: 10 },
      },
    });
    active = {
      mode: 'dash.js',
      latency: function () {
        var l = player.getCurrentLiveLatency();
        return typeof l === 'number' ? l : NaN;
      },
    };
    player.on(window.dashjs.MediaPlayer.events.ERROR, function (e) {
      var err = e && e.error;
      setState('error (' + (err && (err.message || err.code)) + '), retrying');
      player.reset();
      exposed.dash = null;
      setTimeout(startDash, RETRY_MS);
    });
    player.initialize(video, dashUrl, true);
  }

  // ---------------------------------------------------------------- stats
  function bufferAhead() {
    var t = video.currentTime;
    for (var i = 0; i < video.buffered.length; i++) {
      if (video.buffered.start(i) <= t + 0.1 && t <= video.buffered.end(i)) return video.buffered.end(i) - t;
    }
    return 0;
  }

  function tick() {
    show('mode', active.mode);
    var latency = active.latency();
    show('latency', isFinite(latency) && latency > 0 ? latency.toFixed(2) + ' s' : '–');
    show('resolution', video.videoWidth ? video.videoWidth + '×' + video.videoHeight : '–');
    show('buffer', video.readyState > 0 ? bufferAhead().toFixed(2) + ' s' : '–');
    var q = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
    show('dropped', q ? q.droppedVideoFrames + ' / ' + q.totalVideoFrames : '–');
    show('rate', video.playbackRate.toFixed(2) + '×');
  }

  video.addEventListener('playing', function () { setState('playing', true); });
  video.addEventListener('waiting', function () { if (state === 'playing') setState('buffering'); });
  video.addEventListener('ended', function () { setState('ended'); });
  setInterval(tick, STATS_MS);

  setState('connecting');
  if (kind === 'dash') {
    if (window.dashjs) startDash();
    else setState('dash.js did not load');
  } else if (window.Hls && window.Hls.isSupported()) {
    // Preferred even where the browser also plays HLS natively (recent
    // Chromium answers canPlayType('application/vnd.apple.mpegurl') too):
    // hls.js does LL-HLS and the catch-up.
    startHlsJs();
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    startNativeHls();
  } else {
    setState('this browser cannot play HLS');
  }
  tick();
})();
