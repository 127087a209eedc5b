// rtmp-engine dashboard: the live stats WebSocket (/api/v1/ws). Calls
// onStats with every per-second snapshot and onEvent with lifecycle events;
// reconnects after a drop (2 s, then up to 15 s apart) and says so through
// onState ('live', 'connecting', 'off').

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 15000;

export class LiveStats {
  constructor(api, { onStats, onEvent, onState }) {
    this.api = api;
    this.onStats = onStats;
    this.onEvent = onEvent;
    this.onState = onState;
    this.ws = null;
    this.retryMs = FIRST_RETRY_MS;
    this.timer = 0;
    this.closed = false;
  }

  open() {
    this.closed = false;
    this.onState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.api.socketUrl());
    } catch (err) {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = FIRST_RETRY_MS;
      this.onState('live');
    };
    ws.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      if (msg.type === 'stats') this.onStats(msg);
      else if (msg.type === 'event') this.onEvent(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.closed) this.retry();
    };
  }

  retry() {
    this.onState('connecting');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
    this.ws = null;
    this.onState('off');
  }
}
