/**
 * The admin API as one plain `(req, res) => Promise<boolean>` handler: it
 * answers everything under /api/v1 (and only that: other paths resolve false,
 * so the next handler or framework route runs). The built-in HTTP server
 * mounts it (admin option); Express, Fastify or Koa mount it the same way:
 *
 *   const admin = createAdminHandler(server, { tokens: ['…'] });
 *   app.use((req, res, next) => admin(req, res).then((done) => done || next(), next));
 *
 * Order per request: who is asking (401/403), which route (404/405), then the
 * route (400 for bad input). Mutating calls are logged with the caller.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { Duplex } from 'stream';

import type { AdminTokens } from '../options/admin';
import type { LoggerLike } from '../logger';
import type { RtmpServer } from '../server';
import { ADMIN_TOKEN_ENV, type AdminCaller, authenticate, labelTokens } from './admin-auth';
import type { RouteContext, RouteResult } from './context';
import { adminHost, type ViewerSource } from './host';
import { AdminErrorCodes, AdminHttpError, sendAdminError, sendImage, sendJson } from './json';
import { LiveSocket } from './live-socket';
import { ADMIN_ROUTES, type AdminOperation, type AdminRoute, API_PREFIX, matchRoute } from './routes';
import { getServer } from './server-route';
import { kickSession, listSessions } from './session-routes';
import { StatsSampler } from './stats-sampler';
import { getPlayback } from './playback-route';
import { getStream, liftBan, listStreams, stopStream } from './stream-routes';
import { getThumbnail, ThumbnailCache } from './thumbnails';

export interface AdminHandlerOptions {
  /** Default: the server's `admin.tokens` (plus RTMP_ENGINE_ADMIN_TOKEN). */
  tokens?: AdminTokens;
  /** Default: the server's `admin.historySeconds`. */
  historySeconds?: number;
  /** Default: the server's logger. */
  logger?: Pick<LoggerLike, 'info' | 'warn'>;
  /**
   * Where HLS/DASH viewer sessions live when the HLS handler is mounted
   * elsewhere (createHlsHandler in Express). Default: the built-in server's.
   */
  viewers?: ViewerSource;
  /** Default: process.env.RTMP_ENGINE_ADMIN_TOKEN. */
  envToken?: string;
  /** Live stats: unsent bytes past which a WebSocket client is dropped. Default 1 MiB. */
  liveMaxBufferedBytes?: number;
  /** Live stats: how often the snapshot goes out. Default 1000 ms. */
  liveIntervalMs?: number;
}

export interface AdminHandler {
  /** Resolves true when it answered (every /api/v1 path), false for other paths. */
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The routes it serves (docs/openapi.json describes the same). */
  readonly routes: readonly AdminRoute[];
  /**
   * Live stats at /api/v1/ws: hand it the HTTP server's `upgrade` events
   * (`httpServer.on('upgrade', admin.upgrade)`); true when the request was its own.
   */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Live stats clients connected now. */
  liveClients(): number;
  /** Stops the once-a-second sampling and closes live stats clients. */
  close(): void;
}

const operations: Record<AdminOperation, (ctx: RouteContext) => RouteResult | Promise<RouteResult>> = {
  getServer,
  listStreams,
  getStream,
  stopStream,
  listSessions,
  kickSession,
  liftBan,
  getThumbnail,
  getPlayback,
};

function inPrefix(pathname: string): boolean {
  return pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`);
}

export function createAdminHandler(server: RtmpServer, options: AdminHandlerOptions = {}): AdminHandler {
  const admin = server.options.admin;
  const tokens = labelTokens(options.tokens ?? admin.tokens, options.envToken ?? process.env[ADMIN_TOKEN_ENV]);
  const logger = options.logger ?? server.logger;
  const host = adminHost(server, logger, options.viewers);
  const sampler = new StatsSampler(
    {
      stats: () => server.stats(),
      snapshot: (maxAgeMs) => host.shared.get(maxAgeMs),
      viewerCounts: () => host.viewerCounts(),
      httpBytes: () => host.httpBytes(),
    },
    options.historySeconds ?? admin.historySeconds,
  );
  const onDisconnect = (e: { bytesIn: number; bytesOut: number }): void => sampler.sessionEnded(e.bytesIn, e.bytesOut);
  server.on('disconnect', onDisconnect);
  sampler.start();
  const live = new LiveSocket({
    host,
    sampler,
    tokens,
    logger,
    ...(options.liveMaxBufferedBytes !== undefined ? { maxBufferedBytes: options.liveMaxBufferedBytes } : {}),
    ...(options.liveIntervalMs !== undefined ? { intervalMs: options.liveIntervalMs } : {}),
  });
  const thumbnails = new ThumbnailCache((path, o) => server.snapshot(path, o));
  if (tokens.length === 0) {
    logger.warn(
      { path: API_PREFIX },
      `admin API: no token configured (admin.tokens or ${ADMIN_TOKEN_ENV}); answering loopback clients only`,
    );
  } else {
    logger.info({ path: API_PREFIX, tokens: tokens.map((t) => t.label) }, 'admin API: bearer tokens required');
  }

  const handler = (async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    if (!inPrefix(url.pathname)) return false;
    let caller: AdminCaller | undefined;
    try {
      caller = authenticate(req, tokens);
      const match = matchRoute(req.method ?? 'GET', url.pathname);
      if (match.kind === 'bad') throw new AdminHttpError(400, AdminErrorCodes.BAD_REQUEST, match.message);
      if (match.kind === 'none') throw new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `no admin route ${url.pathname}`);
      if (match.kind === 'method') {
        const allow = [...new Set(match.allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ');
        throw new AdminHttpError(405, AdminErrorCodes.METHOD_NOT_ALLOWED, `${req.method} ${url.pathname}: use ${allow}`, {
          Allow: allow,
        });
      }
      const ctx: RouteContext = {
        req,
        caller,
        host,
        sampler,
        thumbnails,
        params: match.params,
        query: url.searchParams,
        notify: (name, fields) => live.event(name, { ...fields, by: caller?.who }),
      };
      const result = await operations[match.route.operation](ctx);
      // A kick or stop changed the engine's tables: the next answer reads them again.
      if (req.method !== 'GET' && req.method !== 'HEAD') host.shared.invalidate();
      if (result.image) sendImage(req, res, result.image);
      else sendJson(req, res, result.status ?? 200, result.body);
    } catch (err) {
      if (!(err instanceof AdminHttpError)) throw err;
      sendAdminError(req, res, err);
      // Refused attempts to change something are logged too, with whoever we know made them.
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        logger.warn(
          {
            admin: caller?.who ?? 'unauthenticated',
            ip: req.socket.remoteAddress,
            method: req.method,
            path: url.pathname,
            status: err.status,
            code: err.code,
          },
          'admin: request refused',
        );
      }
    }
    return true;
  }) as AdminHandler;
  Object.defineProperty(handler, 'routes', { value: ADMIN_ROUTES });
  Object.defineProperty(handler, 'upgrade', { value: live.upgrade });
  handler.liveClients = () => live.clientCount();
  handler.close = () => {
    live.close();
    sampler.stop();
    server.off('disconnect', onDisconnect);
  };
  return handler;
}
