/**
 * What createServer() runs on its HTTP port: the HLS/DASH handler over the
 * store the engine's segmenter feeds, then the player page, then 404. Built
 * at listen(), stopped at close() before the engine, so a player waiting on a
 * blocked playlist gets an answer rather than a cut connection.
 */
import type { AuthDecision, AuthRequest, Authorizer } from '../auth/types';
import type { ServerLogger } from '../logger';
import type { ResolvedOptions } from '../options';
import { createHlsHandler, type HlsHandler, type HlsRenderers, type HlsStoreLike } from './hls-handler';
import { createPageHandler, listHlsStreams, type SummarizableStore } from './page';
import { HttpServer, type RequestHandler, type UpgradeHandler } from './server';

export interface HttpServiceDeps {
  options: ResolvedOptions;
  logger: ServerLogger;
  /** The effective authorizer (static keys and/or the hook), if any. */
  authorizer: Authorizer | undefined;
  /** The HLS store and its writers, when HLS is on. */
  hls?: { store: HlsStoreLike & SummarizableStore & { close(): void }; render?: HlsRenderers };
  /** Called after each HLS/DASH viewer authorization (after it is logged). */
  onAuthDecision?: (req: AuthRequest, decision: AuthDecision, error?: string) => void;
  /** Handlers tried before HLS (e.g. a request counter that answers nothing). */
  first?: readonly RequestHandler[];
  /** Handlers tried after HLS and before the player page. */
  more?: readonly RequestHandler[];
  /** WebSocket upgrade handlers (the admin API's live stats). */
  upgrades?: readonly UpgradeHandler[];
}

/** The longest close() lets HTTP requests in flight finish before cutting them. */
const HTTP_CLOSE_GRACE_MS = 2_000;

export class HttpService {
  readonly hls: HlsHandler | undefined;
  private readonly server: HttpServer;
  private readonly deps: HttpServiceDeps;

  constructor(deps: HttpServiceDeps) {
    const http = deps.options.http;
    if (http === false) throw new Error('HttpService needs the http option');
    this.deps = deps;
    const { logger, options } = deps;
    const handlers: RequestHandler[] = [...(deps.first ?? [])];
    if (deps.hls) {
      this.hls = createHlsHandler({
        store: deps.hls.store,
        ...(deps.hls.render ? { render: deps.hls.render } : {}),
        authorize: deps.authorizer,
        auth: {
          timeoutMs: options.auth.timeoutMs,
          onTimeout: options.auth.onTimeout,
          onError: options.auth.onError,
          onDecision: (req, decision, error) => {
            logDecision(logger, req, decision, error);
            deps.onAuthDecision?.(req, decision, error);
          },
        },
        cors: { origins: http.corsOrigins },
        ...(http.blockingTimeoutMs > 0 ? { blockingTimeoutMs: http.blockingTimeoutMs } : {}),
      });
      handlers.push(this.hls);
    }
    handlers.push(...(deps.more ?? []));
    // The player page last: it owns `/` and `/<app>/<name>`, which HLS never answers.
    const store = deps.hls?.store;
    handlers.push(createPageHandler({ listStreams: () => (store ? listHlsStreams(store) : []) }));
    this.server = new HttpServer(handlers, {
      port: http.port,
      host: http.host,
      onError: (err, req) => logger.error({ url: req.url, err: String(err) }, 'HTTP handler failed'),
      ...(deps.upgrades ? { upgrades: deps.upgrades } : {}),
    });
  }

  listen(): Promise<number> {
    return this.server.listen();
  }

  port(): number {
    return this.server.port();
  }

  ref(): void {
    this.server.ref();
  }

  unref(): void {
    this.server.unref();
  }

  /** Viewer sessions (HLS and DASH) of a stream. */
  viewers(stream: string): number {
    return this.hls?.viewers(stream) ?? 0;
  }

  /**
   * New requests get 503, waiting ones are answered (the store closes), then
   * the port closes; transfers in flight get up to min(graceMs, 2 s).
   */
  async close(graceMs = HTTP_CLOSE_GRACE_MS): Promise<void> {
    this.hls?.close();
    this.deps.hls?.store.close();
    await this.server.close(Math.min(graceMs, HTTP_CLOSE_GRACE_MS));
  }
}

function logDecision(logger: ServerLogger, req: AuthRequest, decision: AuthDecision, error?: string): void {
  const where = {
    viewerSession: req.viewerSession,
    ip: req.ip,
    protocol: req.protocol,
    path: `${req.app}/${req.name}`,
  };
  if (error) logger.error({ ...where, err: error }, 'authorizer failed');
  if (decision.allow) logger.info(where, 'authorized');
  else logger.warn({ ...where, reason: decision.reason }, 'not authorized');
}
