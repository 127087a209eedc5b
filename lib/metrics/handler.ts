/**
 * `GET /metrics` as a plain `(req, res)` handler: the built-in HTTP server
 * mounts it, and so can Express, Fastify (`reply.raw`) or Koa (`ctx.req`,
 * `ctx.res`). Answers the configured path only (or every request with
 * `path: false`, when the framework routes), GET and HEAD only, to loopback
 * clients or a bearer token (./access.ts: the admin API's rule).
 */
import type { IncomingMessage, ServerResponse } from 'http';

import { HttpErrorCodes, sendError } from '../http/responses';
import type { RtmpServer } from '../server';
import { createOperatorAccess, operatorTokens, sendAccessDenied } from './access';
import { metricsRegistry } from './registry';

export interface MetricsHandlerOptions {
  /** The path answered; false: every request that reaches the handler. Default: metrics.path ("/metrics"). */
  path?: string | false;
  /** Bearer tokens; default metrics.tokens (plus RTMP_ENGINE_ADMIN_TOKEN). */
  tokens?: readonly string[];
  /** false: no access check (your framework does it). Default true. */
  checkAccess?: boolean;
}

export type MetricsHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => Promise<boolean>;

export function createMetricsHandler(server: RtmpServer, options: MetricsHandlerOptions = {}): MetricsHandler {
  const registry = metricsRegistry(server);
  const path = options.path === undefined ? server.options.metrics.path : options.path;
  const access =
    options.checkAccess === false ? undefined : createOperatorAccess(operatorTokens(options.tokens ?? server.options.metrics.tokens));
  return async (req, res, next) => {
    if (path !== false) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      if ((q === -1 ? url : url.slice(0, q)) !== path) {
        next?.();
        return false;
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(req, res, 405, HttpErrorCodes.METHOD_NOT_ALLOWED, `${req.method ?? '?'} is not allowed here: use GET`, {
        Allow: 'GET, HEAD',
      });
      return true;
    }
    const verdict = access?.(req);
    if (verdict && !verdict.allowed) {
      sendAccessDenied(req, res, verdict);
      return true;
    }
    const text = await registry.metrics();
    res.writeHead(200, {
      'Content-Type': registry.contentType,
      'Cache-Control': 'no-store',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  };
}
