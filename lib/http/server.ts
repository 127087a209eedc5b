/**
 * The built-in HTTP server: node:http (HTTP/1.1, keep-alive) in front of a
 * list of plain `(req, res) => Promise<boolean>` handlers, tried in order
 * (the HLS/DASH handler, the player page…); a request none of them takes
 * gets a 404 JSON answer. The same handlers mount in Express/Fastify/Koa.
 *
 * close(): stops accepting, lets requests in flight finish (blocked playlist
 * requests are answered when the store closes), drops idle keep-alive
 * connections at once and the rest after the grace period.
 */
import { once } from 'events';
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';

import { ErrorCodes, RtmpEngineError } from '../errors';
import { HttpErrorCodes, sendError } from './responses';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> | boolean;
/** An `upgrade` (WebSocket) handler: true when the request was its own (answered or refused). */
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface HttpServerOptions {
  port: number;
  host: string;
  /**
   * How long an idle keep-alive connection stays open. Default 65 s: longer
   * than the idle timeout of the usual load balancers and CDNs in front (60 s),
   * so the origin never closes a connection they are about to reuse.
   */
  keepAliveTimeoutMs?: number;
  /** Called when a handler throws (the request gets a 500). */
  onError?: (err: unknown, req: http.IncomingMessage) => void;
  /** Tried in order for `Connection: Upgrade` requests; none: 404. */
  upgrades?: readonly UpgradeHandler[];
}

const DEFAULT_KEEP_ALIVE_MS = 65_000;

export class HttpServer {
  private readonly server: http.Server;
  private readonly options: HttpServerOptions;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  /** One listener for every response's 'close' (no closure per request). */
  private readonly onResponseClose = (): void => {
    this.inFlight--;
    if (this.inFlight === 0) this.drained?.();
  };

  constructor(handlers: readonly RequestHandler[], options: HttpServerOptions) {
    this.options = options;
    this.server = http.createServer((req, res) => void this.route(handlers, req, res));
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS;
    // Node requires headersTimeout > keepAliveTimeout, or a reused socket can be cut mid-request.
    this.server.headersTimeout = this.server.keepAliveTimeout + 1_000;
    const upgrades = options.upgrades ?? [];
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        for (const handle of upgrades) if (handle(req, socket, head)) return;
      } catch (err) {
        options.onError?.(err, req);
      }
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  /** Binds; resolves with the port. ERR_RTMP_ADDRESS_IN_USE when it is taken. */
  async listen(): Promise<number> {
    const { port, host } = this.options;
    const failed = once(this.server, 'error') as Promise<[NodeJS.ErrnoException]>;
    this.server.listen(port, host);
    const outcome = await Promise.race([once(this.server, 'listening').then(() => undefined), failed.then(([e]) => e)]);
    if (outcome) {
      const code = outcome.code === 'EADDRINUSE' ? ErrorCodes.ADDRESS_IN_USE : ErrorCodes.IO;
      throw new RtmpEngineError(code, `rtmp-engine: cannot listen for HTTP on ${host}:${port}: ${outcome.message}`, {
        cause: outcome,
      });
    }
    return (this.server.address() as AddressInfo).port;
  }

  port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /** Like net.Server: an unref'd server does not keep the process alive. */
  ref(): void {
    this.server.ref();
  }

  unref(): void {
    this.server.unref();
  }

  /** Requests being answered now (blocked playlist requests included). */
  activeRequests(): number {
    return this.inFlight;
  }

  /** Stops accepting; waits for requests in flight up to graceMs, then closes every connection. */
  async close(graceMs: number): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.drained = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
      this.drained = undefined;
    }
    this.server.closeAllConnections();
    await closed;
  }

  private async route(
    handlers: readonly RequestHandler[],
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    this.inFlight++;
    res.once('close', this.onResponseClose);
    // While closing, answered requests also close their connection.
    if (!this.server.listening) res.setHeader('Connection', 'close');
    try {
      for (const handle of handlers) {
        if (await handle(req, res)) return;
      }
      sendError(req, res, 404, HttpErrorCodes.NOT_FOUND, `nothing at ${(req.url ?? '/').split('?')[0]}`);
    } catch (err) {
      this.options.onError?.(err, req);
      if (!res.headersSent) sendError(req, res, 500, HttpErrorCodes.INTERNAL, 'internal error');
      else res.destroy();
    }
  }
}
