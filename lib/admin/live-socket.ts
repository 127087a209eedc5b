/**
 * Live stats over a WebSocket (`/api/v1/ws`, the `ws` package): once a second
 * a compact snapshot (per stream: bitrate in/out, fps, viewers by protocol,
 * dropped frames; server totals), and lifecycle events as they happen
 * (publish, unpublish, play, stop, disconnect with its reason, authDenied,
 * and the admin API's own kick and stopStream). A client may follow one stream: `?stream=app/name` on the URL, or
 * send `{"subscribe":"app/name"}` (`null` for every stream).
 *
 * Same access rule as the REST API (admin-auth.ts). Browsers cannot set an
 * Authorization header on a WebSocket, so the token may also come as the
 * `access_token` query parameter (RFC 6750 §2.3).
 *
 * Bounded: a client whose socket holds more than `maxBufferedBytes` unsent is
 * too slow to follow; it is dropped (and logged), never buffered further.
 */
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import type { AuthDeniedEvent, DisconnectEvent, PlayEvent, PublishEvent, StopEvent, UnpublishEvent } from '../events';
import type { LoggerLike } from '../logger';
import { authenticate, type LabelledToken } from './admin-auth';
import type { AdminHost } from './host';
import { AdminErrorCodes, AdminHttpError } from './json';
import { API_PREFIX } from './routes';
import type { StatsSampler } from './stats-sampler';

export const LIVE_PATH = `${API_PREFIX}/ws`;
const DEFAULT_MAX_BUFFERED = 1024 * 1024;
const STREAM_PATH = /^[^/\s]{1,128}\/[^\s]{1,256}$/;

export interface LiveSocketOptions {
  host: AdminHost;
  sampler: StatsSampler;
  tokens: readonly LabelledToken[];
  logger: Pick<LoggerLike, 'info' | 'warn'>;
  /** Unsent bytes past which a client is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Default 1000. */
  intervalMs?: number;
}

interface Client {
  who: string;
  /** "app/name", or undefined for every stream. */
  stream: string | undefined;
}

/** One line of the per-second snapshot. */
export interface LiveStreamStats {
  path: string;
  bitrateInKbps: number;
  bitrateOutKbps: number;
  fps: number;
  /** rtmp: plain RTMP players; rtmps: through the TLS listener. */
  viewers: { rtmp: number; rtmps: number; hls: number; dash: number };
  droppedFrames: number;
  /** Kept by the engine (see GET /api/v1/streams): null until measured. */
  timing: { keyframeIntervalMs: number | null; gopFrames: number | null; avSkewMs: number | null };
}

export class LiveSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly clients = new Map<WebSocket, Client>();
  private readonly maxBuffered: number;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: LiveSocketOptions) {
    this.maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    this.timer = setInterval(() => this.sendSnapshot(), options.intervalMs ?? 1_000);
    this.timer.unref();
    this.unsubscribe = this.listen();
  }

  /** For `server.on('upgrade', …)`: true when the request was ours (answered or refused). */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    if (url.pathname !== LIVE_PATH) return false;
    let who: string;
    try {
      who = authenticate(withQueryToken(req, url), this.options.tokens).who;
    } catch (err) {
      if (!(err instanceof AdminHttpError)) throw err;
      refuse(socket, err);
      return true;
    }
    const stream = url.searchParams.get('stream') ?? undefined;
    if (stream !== undefined && !STREAM_PATH.test(stream)) {
      refuse(socket, new AdminHttpError(400, AdminErrorCodes.BAD_REQUEST, 'stream must be app/name'));
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, { who, stream }));
    return true;
  };

  /** Clients connected now. */
  clientCount(): number {
    return this.clients.size;
  }

  /** A lifecycle event the server does not emit itself (kick, auth denied). */
  event(name: string, fields: Record<string, unknown> & { path?: string }): void {
    this.broadcast({ type: 'event', name, at: Date.now(), ...fields }, fields.path);
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const ws of this.clients.keys()) ws.close(1001, 'server closing');
    this.clients.clear();
    this.wss.close();
  }

  private attach(ws: WebSocket, client: Client): void {
    this.clients.set(ws, client);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(ws, data, isBinary));
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => this.clients.delete(ws));
    this.send(ws, { type: 'hello', stream: client.stream ?? null, intervalMs: this.options.intervalMs ?? 1_000 });
    this.send(ws, this.snapshot(client.stream));
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const client = this.clients.get(ws);
    if (!client) return;
    let msg: unknown;
    try {
      msg = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      msg = undefined;
    }
    const subscribe = (msg as { subscribe?: unknown } | undefined)?.subscribe;
    if (subscribe === null || (typeof subscribe === 'string' && STREAM_PATH.test(subscribe))) {
      client.stream = subscribe ?? undefined;
      this.send(ws, { type: 'subscribed', stream: client.stream ?? null });
      this.send(ws, this.snapshot(client.stream));
      return;
    }
    this.send(ws, { type: 'error', message: 'send {"subscribe":"app/name"} or {"subscribe":null}' });
  }

  private listen(): () => void {
    const { server } = this.options.host;
    const base = (e: PublishEvent | UnpublishEvent | PlayEvent | StopEvent | DisconnectEvent) => ({
      path: e.path,
      sessionId: e.sessionId,
      ip: e.ip,
    });
    const handlers = {
      publish: (e: PublishEvent) => this.event('publish', { ...base(e), video: e.codec.video, audio: e.codec.audio }),
      unpublish: (e: UnpublishEvent) => this.event('unpublish', { ...base(e), bytesIn: e.bytesIn }),
      play: (e: PlayEvent) => this.event('play', base(e)),
      stop: (e: StopEvent) => this.event('stop', { ...base(e), bytesOut: e.bytesOut }),
      disconnect: (e: DisconnectEvent) => this.event('disconnect', { ...base(e), reason: e.reason }),
      authDenied: (e: AuthDeniedEvent) =>
        this.event('authDenied', { path: e.path, ip: e.ip, action: e.action, protocol: e.protocol, reason: e.reason }),
    };
    server.on('publish', handlers.publish);
    server.on('unpublish', handlers.unpublish);
    server.on('play', handlers.play);
    server.on('stop', handlers.stop);
    server.on('disconnect', handlers.disconnect);
    server.on('authDenied', handlers.authDenied);
    return () => {
      server.off('authDenied', handlers.authDenied);
      server.off('publish', handlers.publish);
      server.off('unpublish', handlers.unpublish);
      server.off('play', handlers.play);
      server.off('stop', handlers.stop);
      server.off('disconnect', handlers.disconnect);
    };
  }

  private sendSnapshot(): void {
    if (this.clients.size === 0) return;
    const all = this.streamStats();
    const server = this.serverStats(all);
    const at = Date.now();
    for (const [ws, client] of this.clients) {
      const streams = client.stream === undefined ? all : all.filter((s) => s.path === client.stream);
      this.send(ws, { type: 'stats', at, server, streams });
    }
  }

  private snapshot(stream: string | undefined): Record<string, unknown> {
    const all = this.streamStats();
    const streams = stream === undefined ? all : all.filter((s) => s.path === stream);
    return { type: 'stats', at: Date.now(), server: this.serverStats(all), streams };
  }

  private streamStats(): LiveStreamStats[] {
    const { host, sampler } = this.options;
    const viewers = host.viewerCounts();
    const stats = host.stats();
    const dropped = new Map<string, number>();
    const rtmps = new Map<string, number>();
    for (const s of stats.sessions) {
      if (s.role === 'player') dropped.set(s.path, (dropped.get(s.path) ?? 0) + s.droppedVideo + s.droppedAudio);
      if (s.role === 'player' && s.protocol === 'rtmps') rtmps.set(s.path, (rtmps.get(s.path) ?? 0) + 1);
    }
    return stats.streams.map((s) => {
      const rates = sampler.rates(s.path);
      const v = viewers.get(s.path);
      const tls = Math.min(s.players, rtmps.get(s.path) ?? 0);
      return {
        path: s.path,
        bitrateInKbps: rates?.bitrateInKbps.last1s ?? 0,
        bitrateOutKbps: rates?.bitrateOutKbps.last1s ?? 0,
        fps: rates?.fps ?? 0,
        viewers: { rtmp: s.players - tls, rtmps: tls, hls: v?.hls ?? 0, dash: v?.dash ?? 0 },
        droppedFrames: (dropped.get(s.path) ?? 0) + Object.values(s.ingestDrops).reduce((a, b) => a + b, 0),
        timing: { keyframeIntervalMs: s.timing.keyframeIntervalMs, gopFrames: s.timing.gopFrames, avSkewMs: s.timing.avSkewMs },
      };
    });
  }

  private serverStats(streams: readonly LiveStreamStats[]): Record<string, number> {
    let viewers = 0;
    let inKbps = 0;
    let outKbps = 0;
    for (const s of streams) {
      viewers += s.viewers.rtmp + s.viewers.rtmps + s.viewers.hls + s.viewers.dash;
      inKbps += s.bitrateInKbps;
      outKbps += s.bitrateOutKbps;
    }
    return { streams: streams.length, viewers, bitrateInKbps: Math.round(inKbps), bitrateOutKbps: Math.round(outKbps) };
  }

  private broadcast(message: Record<string, unknown>, path: string | undefined): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const [ws, client] of this.clients) {
      if (client.stream === undefined || path === undefined || client.stream === path) this.sendText(ws, text);
    }
  }

  private send(ws: WebSocket, message: Record<string, unknown>): void {
    this.sendText(ws, JSON.stringify(message));
  }

  private sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.maxBuffered) {
      const client = this.clients.get(ws);
      this.clients.delete(ws);
      this.options.logger.warn(
        { admin: client?.who, buffered: ws.bufferedAmount, limit: this.maxBuffered },
        'admin live stats: client too slow, dropped',
      );
      ws.terminate();
      return;
    }
    ws.send(text);
  }
}

/** The request as authenticate() reads it, with `access_token` from the query as the bearer token. */
function withQueryToken(req: IncomingMessage, url: URL): IncomingMessage {
  const token = url.searchParams.get('access_token');
  if (token === null || req.headers.authorization !== undefined) return req;
  return { headers: { ...req.headers, authorization: `Bearer ${token}` }, socket: req.socket } as IncomingMessage;
}

function refuse(socket: Duplex, err: AdminHttpError): void {
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  const reason = err.status === 401 ? 'Unauthorized' : err.status === 403 ? 'Forbidden' : 'Bad Request';
  const extra = Object.entries(err.headers ?? {})
    .map(([k, v]) => `${k}: ${String(v)}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${err.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n${extra}\r\n${body}`,
  );
}
