// rtmp-engine dashboard at "/": what an operator opens first. With the admin
// API (GET /api/v1/server answers): server totals, live streams as cards with
// thumbnails and live numbers, and for the selected stream its player, graphs
// and sessions, live over the WebSocket. With a token required, the token is
// asked for once (sessionStorage). Without the admin API (404, or loopback
// only from elsewhere): the list of streams from /api/streams.json, each
// linking to its player page.

import { AdminApi } from './dash-api.js';
import { StreamCards } from './dash-cards.js';
import { StreamCharts } from './dash-charts.js';
import { bitrate, bytes, duration, encodePath, setText, since, videoLine, audioLine } from './dash-format.js';
import { LiveStats } from './dash-live.js';
import { StreamPlayer } from './dash-player.js';
import { SessionTable } from './dash-sessions.js';

const body = document.body;
const base = body.getAttribute('data-base') || '';
const mediaBase = body.getAttribute('data-media-base') || '';
const api = new AdminApi(body.getAttribute('data-admin') || '/api/v1');
const $ = (id) => document.getElementById(id);

const SERVER_EVERY_MS = 5000;
const STREAMS_EVERY_MS = 5000;
const DETAIL_EVERY_MS = 5000;
const SESSIONS_EVERY_MS = 2000;
const BASIC_EVERY_MS = 2000;
const TICK_MS = 500;

// For tests and scripts driving the page.
const exposed = { mode: 'starting', selected: '', player: null };
window.rtmpEngineDashboard = exposed;

function notice(text) {
  const p = $('notice');
  p.textContent = text || '';
  p.hidden = !text;
}

/** The empty state's ffmpeg line with the host this page came from and the RTMP port. */
function publishHint(rtmp) {
  let host = location.hostname;
  if (rtmp && rtmp.host && !/^(0\.0\.0\.0|::|)$/.test(rtmp.host)) host = rtmp.host.includes(':') ? '[' + rtmp.host + ']' : rtmp.host;
  const port = rtmp && rtmp.port ? rtmp.port : 1935;
  setText($('publish-hint'), 'ffmpeg -re -i input.mp4 -c copy -f flv rtmp://' + host + ':' + port + '/live/NAME');
  setText($('publish-server'), 'rtmp://' + host + ':' + port + '/live');
}

/** The stream named by the URL's #app/name ('' when none or malformed). */
function hashPath() {
  try {
    return decodeURIComponent(location.hash.slice(1));
  } catch (err) {
    return '';
  }
}

function showEmpty(empty) {
  $('empty').hidden = !empty;
  $('streams').hidden = empty;
}

// ------------------------------------------------------------ without the admin API

function startBasic(reason) {
  exposed.mode = 'basic';
  if (reason) notice(reason);
  publishHint(null);
  $('streams').classList.add('basic');
  const cards = new StreamCards($('streams'), { base, api: null, onSelect: () => {} });
  const poll = async () => {
    try {
      const r = await fetch(base + '/api/streams.json', { cache: 'no-store' });
      if (r.ok) {
        const list = (await r.json()).streams || [];
        cards.renderBasic(list);
        showEmpty(list.length === 0);
        setText($('stream-count'), list.length ? String(list.length) : '');
      }
    } catch (err) {
      /* keep what is shown; try again at the next tick */
    }
    setTimeout(poll, BASIC_EVERY_MS);
  };
  poll();
}

// ------------------------------------------------------------ the token

function askToken(refused) {
  exposed.mode = 'token';
  const form = $('token-form');
  form.hidden = false;
  const error = $('token-error');
  error.textContent = refused ? 'That token was refused.' : '';
  error.hidden = !refused;
  $('token-input').focus();
  form.onsubmit = (e) => {
    e.preventDefault();
    api.setToken($('token-input').value.trim());
    form.hidden = true;
    boot();
  };
}

// ------------------------------------------------------------ with the admin API

class Dashboard {
  constructor(server) {
    exposed.mode = 'admin';
    this.streams = [];
    this.selected = '';
    this.playback = null;
    this.playbackPending = '';
    this.detail = null;
    this.server = server;
    this.liveTotals = false;
    this.cards = new StreamCards($('streams'), { base, api, onSelect: (p) => this.select(p, true) });
    this.charts = new StreamCharts();
    this.player = new StreamPlayer($('video'), $('overlay'), () => {});
    exposed.player = this.player;
    this.sessions = new SessionTable($('sessions'), $('session-count'), {
      api,
      onError: (text) => notice(text),
      onKicked: () => this.refreshSessions(),
    });
    this.live = new LiveStats(api, {
      onStats: (m) => this.onStats(m),
      onEvent: (e) => this.onEvent(e),
      onState: (s) => $('conn').setAttribute('data-state', s),
    });
    $('totals').hidden = false;
    this.showServer(server);
    this.charts.build();
    this.live.open();
    this.refreshStreams();
    this.every(SERVER_EVERY_MS, () => this.refreshServer());
    this.every(STREAMS_EVERY_MS, () => this.refreshStreams());
    this.every(DETAIL_EVERY_MS, () => this.refreshDetail(false));
    this.every(SESSIONS_EVERY_MS, () => this.refreshSessions());
    setInterval(() => this.tick(), TICK_MS);
    window.addEventListener('hashchange', () => this.select(hashPath(), false));
  }

  every(ms, fn) {
    setInterval(() => {
      if (!document.hidden) fn();
    }, ms);
  }

  /** An API failure: 401 brings the token form back; anything else is shown once. */
  failed(err) {
    if (err.status === 401) {
      location.reload();
      return;
    }
    notice(err.status === 0 ? 'The server does not answer; retrying.' : 'The admin API answered ' + err.status + ': ' + err.message);
  }

  ok() {
    if ($('notice').textContent) notice('');
  }

  showServer(s) {
    this.server = s;
    const v = s.version || {};
    setText($('server-meta'), [v.package ? 'v' + v.package : '', 'up ' + duration(s.uptimeSeconds)].filter(Boolean).join(' · '));
    const t = s.totals || {};
    setText(document.querySelector('[data-total=connections]'), String(t.connections));
    setText(document.querySelector('[data-total=uptime]'), duration(s.uptimeSeconds));
    // Until the WebSocket's first numbers; then they come from there only (one source, no flicker).
    if (!this.liveTotals) {
      this.showTotals({
        streams: t.streams,
        viewers: t.players ? t.players.total : 0,
        bitrateInKbps: t.bitrateInKbps,
        bitrateOutKbps: t.bitrateOutKbps,
      });
    }
    publishHint(s.listeners && s.listeners.rtmp);
  }

  showTotals(t) {
    setText(document.querySelector('[data-total=streams]'), String(t.streams));
    setText(document.querySelector('[data-total=viewers]'), String(t.viewers));
    setText(document.querySelector('[data-total=in]'), bitrate(t.bitrateInKbps));
    setText(document.querySelector('[data-total=out]'), bitrate(t.bitrateOutKbps));
  }

  async refreshServer() {
    try {
      this.showServer(await api.json('/server'));
      this.ok();
    } catch (err) {
      this.failed(err);
    }
  }

  async refreshStreams() {
    let list;
    try {
      list = (await api.json('/streams')).streams;
      this.ok();
    } catch (err) {
      this.failed(err);
      return;
    }
    this.streams = list;
    const paths = this.cards.renderAdmin(list);
    showEmpty(paths.length === 0);
    setText($('stream-count'), paths.length ? String(paths.length) : '');
    // Keep the selection while its stream is live; else the one in the URL, else the first.
    const wanted = hashPath();
    if (!paths.includes(this.selected)) {
      this.select(paths.includes(wanted) ? wanted : paths[0] || '', false);
    }
  }

  select(path, byUser) {
    if (path === this.selected && this.detail) return;
    if (path && !this.streams.some((s) => s.path === path)) return;
    this.selected = path;
    exposed.selected = path;
    this.cards.select(path);
    this.detail = null;
    this.charts.clear();
    this.sessions.clear();
    $('detail').hidden = !path;
    document.querySelector('.layout').classList.toggle('single', !path);
    if (byUser) history.replaceState(null, '', '#' + encodePath(path));
    if (!path) {
      this.player.play('', 'No stream selected');
      return;
    }
    setText($('detail-title'), path);
    $('detail-open').href = base + '/' + encodePath(path);
    this.refreshDetail(true);
    this.refreshSessions();
  }

  async refreshDetail(seed) {
    const path = this.selected;
    if (!path) return;
    let d;
    try {
      d = await api.json('/streams/' + encodePath(path));
    } catch (err) {
      if (err.status !== 404) this.failed(err);
      return;
    }
    if (path !== this.selected) return;
    this.detail = d;
    if (seed) this.charts.seed(d.history);
    if (d.urls && d.urls.hls) this.playStream(path);
    else this.player.play('', 'HLS is off on this server: play ' + ((d.urls && d.urls.rtmp) || 'it over RTMP'));
    this.showDetail(d);
  }

  /**
   * Plays the selected stream. Under viewer auth this page has no viewer
   * credentials, so the admin API hands it a URL with a short-lived playback
   * grant for the stream (GET /api/v1/streams/{app}/{name}/playback); the same
   * URL is kept while the player runs, and a new one fetched when it stopped
   * and the grant is about to run out. An older server without the route:
   * the plain URL.
   */
  async playStream(path) {
    const held = this.playback;
    if (held && held.path === path && (this.player.hls || held.expiresAtMs - Date.now() > 30000)) {
      this.player.play(held.url);
      return;
    }
    if (this.playbackPending === path) return;
    this.playbackPending = path;
    let url = mediaBase + '/' + encodePath(path) + '/index.m3u8';
    let expiresAtMs = Infinity;
    try {
      const grant = await api.json('/streams/' + encodePath(path) + '/playback');
      if (grant.urls && grant.urls.hls && grant.query) {
        url += '?' + grant.query;
        expiresAtMs = grant.expiresAtMs;
      }
    } catch (err) {
      /* no such route, or the stream just ended: the plain URL */
    } finally {
      this.playbackPending = '';
    }
    if (path !== this.selected) return;
    this.playback = { path, url, expiresAtMs };
    exposed.playbackUrl = url;
    this.player.play(url);
  }

  showDetail(d) {
    const health = $('detail-health');
    const status = d.health ? d.health.status : 'unknown';
    health.setAttribute('data-status', status);
    setText(health, status === 'ok' ? 'healthy' : status === 'warning' ? 'needs attention' : 'measuring…');
    const notes = $('detail-notes');
    const items = (d.health && d.health.notes) || [];
    notes.replaceChildren(
      ...items.map((n) => {
        const li = document.createElement('li');
        li.textContent = n.message;
        return li;
      }),
    );
    notes.hidden = items.length === 0;
    const stat = (key, text) => setText(document.querySelector('[data-stat=' + key + ']'), text);
    stat('video', videoLine(d.video));
    stat('audio', audioLine(d.audio));
    const declared = d.video && d.video.fps ? ' (declared ' + d.video.fps + ')' : '';
    stat('fps', d.measured ? d.measured.fps + ' fps' + declared : '–');
    if (d.measured) stat('bitrate', bitrate(d.measured.bitrateInKbps.avg10s) + ' / ' + bitrate(d.measured.bitrateOutKbps.avg10s));
    const t = d.timing || {};
    const gop = t.gopFrames ? ' · ' + t.gopFrames + ' frames' : '';
    const keyframes = t.keyframeIntervalMs ? 'every ' + (t.keyframeIntervalMs / 1000).toFixed(1) + ' s' + gop : 'measuring…';
    stat('keyframes', d.video ? keyframes : 'no video'); // audio-only: no keyframes to measure
    const p = d.publisher || {};
    stat('publisher', (p.ip || '–') + ' · ' + since(p.sinceMs));
    const dropped = d.dropped || {};
    const ingest = Object.values(dropped.ingest || {}).reduce((a, b) => a + b, 0);
    stat('dropped', (dropped.playerVideoFrames || 0) + ' video · ' + ingest + ' ingest');
  }

  async refreshSessions() {
    const path = this.selected;
    if (!path) return;
    try {
      const r = await api.json('/sessions?stream=' + encodeURIComponent(path) + '&limit=200');
      if (path === this.selected) this.sessions.render(r.sessions, r.total);
    } catch (err) {
      this.failed(err);
    }
  }

  onStats(m) {
    this.liveTotals = true;
    this.showTotals(m.server);
    const paths = new Set();
    for (const s of m.streams) {
      paths.add(s.path);
      this.cards.live(s);
      if (s.path === this.selected) this.charts.push(m.at, s);
    }
    // A stream came or went between two lists: list again now.
    if (m.streams.length !== this.streams.length || this.streams.some((s) => !paths.has(s.path))) this.refreshStreams();
  }

  onEvent(e) {
    if (e.name === 'publish' || e.name === 'unpublish' || e.name === 'stopStream') this.refreshStreams();
    if (['play', 'stop', 'disconnect', 'kick', 'publish'].includes(e.name)) this.refreshSessions();
  }

  tick() {
    const stat = (key, text) => setText(document.querySelector('[data-stat=' + key + ']'), text);
    const latency = this.player.latency();
    stat('latency', isFinite(latency) && latency > 0 ? latency.toFixed(2) + ' s' : '–');
    stat('mode', this.player.mode || '–');
  }
}

// ------------------------------------------------------------ start

async function boot() {
  let server;
  try {
    server = await api.json('/server');
  } catch (err) {
    if (err.status === 401) return askToken(err.code === 'token_invalid');
    if (err.status === 403) {
      return startBasic(
        'The admin API answers loopback clients only: set admin.tokens or RTMP_ENGINE_ADMIN_TOKEN on the server ' +
          'to see the dashboard from here.',
      );
    }
    const why = err.status === 404 ? '' : 'The admin API did not answer (' + err.message + '): showing the stream list only.';
    return startBasic(why);
  }
  new Dashboard(server);
}

boot();
