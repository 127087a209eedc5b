// rtmp-engine dashboard: the live streams as cards. The markup is the one
// lib/http/page/dashboard-html.ts renders on the server (so cards rendered
// there are taken over as they are). Stream names are user input: all text
// goes in with textContent.

import { audioLine, bitrate, encodePath, setText, since, videoLine, viewersLine } from './dash-format.js';

// Each picture is a decode on the server (shared by every dashboard for a second):
// only cards on screen ask for one.
const THUMB_EVERY_MS = 2000;
const THUMB_WIDTH = 320;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class StreamCards {
  /**
   * list: the <ul>; onSelect(path) when a card is chosen; api: AdminApi or
   * null (no admin API: cards link to the player page and show no stats).
   */
  constructor(list, { base, api, onSelect }) {
    this.list = list;
    this.base = base;
    this.api = api;
    this.onSelect = onSelect;
    this.cards = new Map();
    this.selected = '';
    this.onScreen = new WeakSet();
    this.observer = api
      ? new IntersectionObserver((entries) => {
          for (const e of entries) {
            if (e.isIntersecting) this.onScreen.add(e.target);
            else this.onScreen.delete(e.target);
            const path = e.target.getAttribute('data-path');
            const card = this.cards.get(path);
            // Just scrolled into view with no picture yet: ask now.
            if (e.isIntersecting && card && !card.thumbUrl) this.refreshThumb(path, card);
          }
        })
      : null;
    for (const li of list.querySelectorAll('li.stream')) this.cards.set(li.getAttribute('data-path'), { li, thumbUrl: '' });
    if (api) {
      list.addEventListener('click', (e) => this.onClick(e));
      list.addEventListener('keydown', (e) => {
        if ((e.key === 'Enter' || e.key === ' ') && e.target.matches('li.stream')) {
          e.preventDefault();
          this.onSelect(e.target.getAttribute('data-path'));
        }
      });
      for (const { li } of this.cards.values()) {
        this.makeSelectable(li);
        this.observer.observe(li);
      }
      this.thumbTimer = setInterval(() => this.refreshThumbs(), THUMB_EVERY_MS);
    }
  }

  onClick(e) {
    const li = e.target.closest('li.stream');
    if (!li) return;
    // A plain click selects here; a modified or middle click on the name opens the player page.
    if (e.target.closest('a') && (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0)) return;
    e.preventDefault();
    this.onSelect(li.getAttribute('data-path'));
  }

  makeSelectable(li) {
    li.tabIndex = 0;
    li.setAttribute('role', 'button');
  }

  build(path) {
    const li = el('li', 'stream');
    li.setAttribute('data-path', path);
    const thumb = el('div', 'thumb');
    const img = el('img');
    img.alt = '';
    img.hidden = true;
    thumb.append(img, el('span', 'badge', 'LIVE'));
    const body = el('div', 'card-body');
    const a = el('a', 'stream-link', path);
    a.href = this.base + '/' + encodePath(path);
    const stats = el('div', 'card-stats');
    const field = (tag, name, cls) => {
      const f = el(tag, cls);
      f.setAttribute('data-field', name);
      return f;
    };
    stats.append(field('span', 'bitrate'), field('span', 'viewers'));
    body.append(a, field('span', 'video', 'stream-meta'), field('span', 'audio', 'stream-meta'), stats);
    li.append(thumb, body);
    if (this.api) this.makeSelectable(li);
    return li;
  }

  /** Makes the list the given streams, in their order; returns the paths shown. */
  render(streams, describe) {
    const seen = new Set();
    const items = streams.map((s) => {
      seen.add(s.path);
      let card = this.cards.get(s.path);
      if (!card) {
        card = { li: this.build(s.path), thumbUrl: '' };
        this.cards.set(s.path, card);
        if (this.observer) this.observer.observe(card.li);
      }
      describe(card.li, s);
      card.li.classList.toggle('selected', s.path === this.selected);
      card.li.setAttribute('aria-pressed', String(s.path === this.selected));
      return card.li;
    });
    for (const [path, card] of this.cards) {
      if (seen.has(path)) continue;
      if (card.thumbUrl) URL.revokeObjectURL(card.thumbUrl);
      if (this.observer) this.observer.unobserve(card.li);
      this.cards.delete(path);
    }
    this.list.replaceChildren(...items);
    this.list.hidden = items.length === 0;
    return [...seen];
  }

  /** Streams from the admin API (GET /streams). */
  renderAdmin(streams) {
    return this.render(streams, (li, s) => {
      li.classList.toggle('offline', false);
      li.classList.toggle('warn', !!(s.health && s.health.status === 'warning'));
      setText(li.querySelector('[data-field=video]'), videoLine(s.video, s.measured && s.measured.fps));
      setText(li.querySelector('[data-field=audio]'), audioLine(s.audio) + ' · up ' + since(s.publisher && s.publisher.sinceMs));
      if (s.measured) setText(li.querySelector('[data-field=bitrate]'), bitrate(s.measured.bitrateInKbps.last1s));
      setText(li.querySelector('[data-field=viewers]'), viewersLine(s.players));
    });
  }

  /** Streams from /api/streams.json (no admin API: what the HLS store knows). */
  renderBasic(streams) {
    return this.render(streams, (li, s) => {
      li.classList.toggle('offline', s.live === false);
      const v = s.video;
      const a = s.audio;
      const video = v
        ? [v.width && v.height ? v.width + '×' + v.height : '', v.codec, v.frameRate ? Math.round(v.frameRate * 100) / 100 + ' fps' : '']
        : ['no video'];
      const audio = a
        ? [a.codec, a.sampleRate ? a.sampleRate / 1000 + ' kHz' : '', a.channels ? a.channels + ' ch' : '']
        : ['no audio'];
      setText(li.querySelector('[data-field=video]'), video.filter(Boolean).join(' · '));
      setText(li.querySelector('[data-field=audio]'), audio.filter(Boolean).join(' · '));
    });
  }

  /** One line of a live stats message: the card's numbers, every second. */
  live(s) {
    const card = this.cards.get(s.path);
    if (!card) return;
    setText(card.li.querySelector('[data-field=bitrate]'), bitrate(s.bitrateInKbps));
    setText(card.li.querySelector('[data-field=viewers]'), viewersLine(s.viewers));
  }

  select(path) {
    this.selected = path;
    for (const [p, card] of this.cards) {
      card.li.classList.toggle('selected', p === path);
      card.li.setAttribute('aria-pressed', String(p === path));
    }
  }

  refreshThumbs() {
    if (document.hidden) return;
    for (const [path, card] of this.cards) if (this.onScreen.has(card.li)) this.refreshThumb(path, card);
  }

  /** Fetches the picture with the token and swaps it in once decoded (no blank between two). */
  async refreshThumb(path, card) {
    if (card.loading) return;
    card.loading = true;
    try {
      const blob = await this.api.blob('/streams/' + encodePath(path) + '/thumbnail.jpg?width=' + THUMB_WIDTH);
      const url = URL.createObjectURL(blob);
      const img = card.li.querySelector('.thumb img');
      const next = new Image();
      next.src = url;
      await next.decode();
      if (this.cards.get(path) !== card) {
        URL.revokeObjectURL(url);
        return;
      }
      const old = card.thumbUrl;
      card.thumbUrl = url;
      img.src = url;
      img.hidden = false;
      if (old) URL.revokeObjectURL(old);
    } catch (err) {
      /* no picture yet (audio only, no keyframe): keep the last one */
    } finally {
      card.loading = false;
    }
  }
}
