/**
 * Authorizing HLS/DASH viewers with the same hook as RTMP: one AuthRequest
 * (action 'play', protocol 'hls' | 'dash') built from the HTTP request, the
 * same failure policy (auth.onError) and the same deadline (auth.timeoutMs →
 * auth.onTimeout) as the engine applies to RTMP sessions.
 */
import type { IncomingMessage } from 'http';
import type { TLSSocket } from 'tls';

import { runAuthorizer } from '../auth/run-authorizer';
import type { AuthDecision, AuthProtocol, AuthRequest, Authorizer } from '../auth/types';

export interface ViewerAuthOptions {
  /** Default 5000 (auth.timeoutMs). */
  timeoutMs?: number;
  /** Default 'deny'. */
  onTimeout?: 'deny' | 'allow';
  /** Default 'deny'. */
  onError?: 'deny' | 'allow';
  /** Called with every decision (and the error, when the authorizer failed), e.g. to log it. */
  onDecision?: (request: AuthRequest, decision: AuthDecision, error?: string) => void;
}

/** Query parameters this server adds or players send for themselves: never given to the authorizer. */
export function isReservedParam(key: string): boolean {
  return key === 'session' || key === 'CMCD' || key.startsWith('_HLS_');
}

/** The query an authorizer sees (and child URLs carry): the viewer's own parameters only. */
export function viewerQuery(query: URLSearchParams): Record<string, string> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of query) if (k !== '' && !isReservedParam(k)) out.push([k, v]);
  return Object.fromEntries(out);
}

/** `a=1&b=2` from a viewer query, for child playlist URLs. */
export function encodeQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

export function toViewerRequest(
  req: IncomingMessage,
  target: { app: string; name: string },
  protocol: AuthProtocol,
  query: Record<string, string>,
  viewerSession: string,
): AuthRequest {
  const socket = req.socket as Partial<TLSSocket>;
  const tls = socket.encrypted === true;
  const host = req.headers.host ?? 'localhost';
  return {
    action: 'play',
    protocol,
    app: target.app,
    name: target.name,
    query,
    tcUrl: `${tls ? 'https' : 'http'}://${host}${req.url ?? '/'}`,
    ip: normalizeIp(req.socket.remoteAddress ?? ''),
    port: req.socket.remotePort ?? 0,
    tls,
    sessionId: 0,
    viewerSession,
  };
}

/** "::ffff:127.0.0.1" → "127.0.0.1", as RTMP requests report IPv4 peers. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** Runs the authorizer under the deadline; never throws. No authorizer: everyone may watch. */
export async function decideViewer(
  authorizer: Authorizer | undefined,
  request: AuthRequest,
  options: ViewerAuthOptions,
): Promise<AuthDecision> {
  if (!authorizer) return { allow: true };
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([runAuthorizer(authorizer, request, options.onError ?? 'deny'), late]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    const decision: AuthDecision =
      options.onTimeout === 'allow' ? { allow: true } : { allow: false, reason: 'authorization timed out' };
    options.onDecision?.(request, decision, `the authorizer did not answer within ${timeoutMs} ms`);
    return decision;
  }
  options.onDecision?.(request, outcome.decision, outcome.error);
  return outcome.decision;
}
