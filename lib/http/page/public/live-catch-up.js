// rtmp-engine: live catch-up for hls.js in LL-HLS mode, shared by the watch
// page (player.js), the dashboard's player and bench/hls/latency-page.html.
//
// hls.js speeds playback up towards its target latency (PART-HOLD-BACK) only
// while more than 1 s is buffered ahead. An LL-HLS player sits about
// PART-HOLD-BACK (0.4–0.6 s) behind the newest part, so that never happens:
// whatever a start or a stall added stays for the rest of the session. This
// does the same catch-up with a smaller margin: up to 1.5x (hls.js's curve),
// only while at least MIN_AHEAD_S stays buffered, so that it never drains the
// buffer into a stall. hls.js's own catch-up must be off
// (maxLiveSyncPlaybackRate: 1), or each would reset the other's rate.
(function () {
  'use strict';
  var TICK_MS = 250;
  var MIN_AHEAD_S = 0.3; // more than one 200 ms part plus its fetch
  var MAX_RATE = 1.5;

  // Seconds buffered ahead of the playhead, in the range that holds it.
  function bufferedAhead(video) {
    var t = video.currentTime;
    for (var i = 0; i < video.buffered.length; i++) {
      if (video.buffered.start(i) <= t + 0.05 && t <= video.buffered.end(i)) return video.buffered.end(i) - t;
    }
    return 0;
  }

  // The rate for `behind` seconds over the target: hls.js's logistic curve,
  // in steps of 0.05 (1.05 at 0.2 s behind, 1.15 at 0.4 s, 1.5 from about 1.5 s).
  function rateFor(behind) {
    var rate = Math.round((2 / (1 + Math.exp(-0.75 * behind))) * 20) / 20;
    return Math.min(MAX_RATE, Math.max(1, rate));
  }

  /** Starts catch-up for `hls` playing into `video`; returns a function that stops it. */
  function start(hls, video) {
    function tick() {
      if (video.paused || video.seeking) return;
      var target = hls.targetLatency;
      var latency = hls.latency;
      var details = hls.latestLevelDetails;
      var rate = 1;
      if (target && latency && details && details.live) {
        var behind = latency - target;
        // Further behind than a target duration is someone watching the past (DVR): leave it.
        var inLiveRange = behind < target + details.targetduration;
        if (inLiveRange && behind > 0.05 && bufferedAhead(video) > MIN_AHEAD_S) rate = rateFor(behind);
      }
      if (video.playbackRate !== rate) video.playbackRate = rate;
    }
    var timer = setInterval(tick, TICK_MS);
    return function stop() {
      clearInterval(timer);
      if (video.playbackRate !== 1) video.playbackRate = 1;
    };
  }

  window.rtmpEngineLiveCatchUp = { start: start, rateFor: rateFor, MIN_AHEAD_S: MIN_AHEAD_S };
})();
