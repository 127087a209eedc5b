// rtmp-engine: keeps the list of live streams at "/" fresh (polls /api/streams.json).
// Stream names are user input: everything is written with textContent.
(function () {
  'use strict';
  var base = document.body.getAttribute('data-base') || '';
  var list = document.getElementById('streams');
  var empty = document.getElementById('empty');
  var hint = document.getElementById('publish-hint');
  var POLL_MS = 2000;

  if (hint) {
    hint.textContent = 'ffmpeg -re -i input.mp4 -c copy -f flv rtmp://' + location.hostname + '/live/test';
  }

  function href(path) {
    return base + '/' + path.split('/').map(encodeURIComponent).join('/');
  }

  function describeVideo(v) {
    if (!v) return 'no video';
    var parts = [];
    if (v.width && v.height) parts.push(v.width + '×' + v.height);
    parts.push(v.codec);
    if (v.frameRate) parts.push(Math.round(v.frameRate * 100) / 100 + ' fps');
    return parts.join(' · ');
  }

  function describeAudio(a) {
    if (!a) return 'no audio';
    var parts = [a.codec];
    if (a.sampleRate) parts.push(a.sampleRate / 1000 + ' kHz');
    if (a.channels) parts.push(a.channels + ' ch');
    return parts.join(' · ');
  }

  function span(text) {
    var el = document.createElement('span');
    el.className = 'stream-meta';
    el.textContent = text;
    return el;
  }

  function render(streams) {
    var items = streams.map(function (s) {
      var li = document.createElement('li');
      li.className = s.live === false ? 'stream offline' : 'stream';
      var a = document.createElement('a');
      a.className = 'stream-link';
      a.href = href(s.path);
      a.textContent = s.path;
      li.appendChild(a);
      li.appendChild(span(describeVideo(s.video)));
      li.appendChild(span(describeAudio(s.audio)));
      return li;
    });
    list.replaceChildren.apply(list, items);
    list.hidden = streams.length === 0;
    empty.hidden = streams.length !== 0;
  }

  function poll() {
    fetch(base + '/api/streams.json', { cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (body) {
        render(Array.isArray(body.streams) ? body.streams : []);
      })
      .catch(function () {
        /* keep what is shown; try again at the next tick */
      })
      .then(function () {
        setTimeout(poll, POLL_MS);
      });
  }
  setTimeout(poll, POLL_MS);
})();
