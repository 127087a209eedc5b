// rtmp-engine dashboard: the selected stream's graphs (uPlot, window.uPlot),
// five minutes at one point per second: seeded from the REST history, then
// one point per live stats message. Colours come from the stylesheet's
// variables, so the graphs follow the light/dark scheme (rebuilt on a change).

import { bitrate } from './dash-format.js';

const WINDOW_S = 300;
const HEIGHT = 170;

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';
}

/** Seconds since 1970 → "16:35:20" (the x axis: a five-minute window needs no date). */
function clock(s) {
  const d = new Date(s * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
}

/** A bitrate tick: "2 Mb/s", "1.5 Mb/s", "500 kb/s" (no trailing zeros). */
function kbpsTick(kbps) {
  if (kbps >= 1000) return String(Math.round(kbps / 10) / 100) + ' Mb/s';
  return Math.round(kbps) + ' kb/s';
}

/** "#2563eb" + alpha → "#2563eb33" (only for #rrggbb; anything else as is). */
function withAlpha(color, alpha) {
  return /^#[0-9a-f]{6}$/i.test(color) ? color + alpha : color;
}

class Chart {
  /**
   * figure: the <figure> (its data-points says how many points are drawn);
   * series: [{ label, color: css variable, fill?, format? }].
   */
  constructor(figure, series, { yFormat, yTick, minY, integer }) {
    this.figure = figure;
    this.box = figure.querySelector('.chart-box');
    this.seriesDefs = series;
    this.yFormat = yFormat;
    this.yTick = yTick || yFormat;
    this.minY = minY;
    this.integer = integer;
    this.data = [[]].concat(series.map(() => []));
    this.plot = null;
    new ResizeObserver(() => this.resize()).observe(this.box);
  }

  build() {
    if (this.plot) this.plot.destroy();
    const text = cssVar('--muted');
    const grid = cssVar('--line');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
    const opts = {
      width: Math.max(this.box.clientWidth, 200),
      height: HEIGHT,
      // Names and colours only: values under the cursor would make the legend jump.
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(this.minY, max * 1.15)] } },
      axes: [
        Object.assign({}, axis, { space: 70, values: (u, vals) => vals.map(clock) }),
        Object.assign({}, axis, {
          size: 70,
          values: (u, vals) => vals.map(this.yTick),
          incrs: this.integer ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] : undefined,
        }),
      ],
      series: [{}].concat(
        this.seriesDefs.map((s) => {
          const color = cssVar(s.color);
          return {
            label: s.label,
            stroke: color,
            width: 2,
            fill: s.fill ? withAlpha(color, '2e') : undefined,
            value: (u, v) => (v == null ? '–' : this.yFormat(v)),
            points: { show: false },
          };
        }),
      ),
    };
    this.plot = new window.uPlot(opts, this.data, this.box);
    this.draw();
  }

  resize() {
    if (this.plot && this.box.clientWidth > 0) this.plot.setSize({ width: this.box.clientWidth, height: HEIGHT });
  }

  /** Replaces every point: t in Unix ms, columns[i] one array per series. */
  seed(t, columns) {
    this.data = [t.map((ms) => ms / 1000)].concat(columns.map((c) => c.slice()));
    this.trim();
    this.draw();
  }

  push(atMs, values) {
    const x = atMs / 1000;
    const xs = this.data[0];
    // The snapshot of a reconnect may repeat a second already drawn.
    if (xs.length > 0 && x <= xs[xs.length - 1]) return;
    xs.push(x);
    values.forEach((v, i) => this.data[i + 1].push(v));
    this.trim();
    this.draw();
  }

  clear() {
    this.seed([], this.seriesDefs.map(() => []));
  }

  trim() {
    const xs = this.data[0];
    if (xs.length === 0) return;
    const from = xs[xs.length - 1] - WINDOW_S;
    let cut = 0;
    while (cut < xs.length && xs[cut] < from) cut++;
    if (cut > 0) this.data = this.data.map((a) => a.slice(cut));
  }

  draw() {
    this.figure.setAttribute('data-points', String(this.data[0].length));
    if (this.plot) this.plot.setData(this.data);
  }
}

/** The two graphs of the detail panel. */
export class StreamCharts {
  constructor() {
    const kbps = (v) => bitrate(v);
    this.bitrate = new Chart(
      document.getElementById('chart-bitrate'),
      [
        { label: 'In', color: '--chart-1', fill: true },
        { label: 'Out (RTMP)', color: '--chart-2' },
      ],
      { yFormat: kbps, yTick: kbpsTick, minY: 100, integer: false },
    );
    this.viewers = new Chart(
      document.getElementById('chart-viewers'),
      [
        { label: 'RTMP', color: '--chart-1', fill: true },
        { label: 'HLS', color: '--chart-2' },
        { label: 'DASH', color: '--chart-3' },
      ],
      { yFormat: (v) => String(Math.round(v)), minY: 4, integer: true },
    );
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', () => this.build());
  }

  build() {
    if (!window.uPlot) return;
    this.bitrate.build();
    this.viewers.build();
  }

  /** history: the REST answer's `history`. */
  seed(history) {
    const h = history || { t: [], bitrateInKbps: [], bitrateOutKbps: [], viewers: { rtmp: [], hls: [], dash: [] } };
    this.bitrate.seed(h.t, [h.bitrateInKbps, h.bitrateOutKbps]);
    this.viewers.seed(h.t, [h.viewers.rtmp, h.viewers.hls, h.viewers.dash]);
  }

  /** One line of a live stats message. */
  push(atMs, s) {
    this.bitrate.push(atMs, [s.bitrateInKbps, s.bitrateOutKbps]);
    // The history's RTMP column counts RTMPS players too; the live line splits them.
    this.viewers.push(atMs, [s.viewers.rtmp + (s.viewers.rtmps || 0), s.viewers.hls, s.viewers.dash]);
  }

  clear() {
    this.bitrate.clear();
    this.viewers.clear();
  }
}
