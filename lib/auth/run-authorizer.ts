/**
 * Runs the user's authorizer for one engine `authorize` event and turns
 * whatever happens — an answer, a throw, a malformed value — into the
 * decision the engine gets. Never throws.
 */
import type { NativeAuthorizeEvent } from '../../types/native';
import { parseQuery } from '../query';
import type { AuthDecision, AuthRequest, Authorizer } from './types';

export interface AuthOutcome {
  decision: AuthDecision;
  /** Set when the authorizer failed (threw, rejected or returned a malformed decision). */
  error?: string;
}

export function toAuthRequest(e: NativeAuthorizeEvent): AuthRequest {
  const request: AuthRequest = {
    action: e.action === 'play' ? 'play' : 'publish',
    protocol: 'rtmp',
    app: e.app,
    name: e.stream,
    query: parseQuery(e.query),
    tcUrl: e.tcUrl,
    ip: e.ip,
    port: e.port,
    tls: e.tls,
    sessionId: e.sessionId,
  };
  if (e.swfUrl) request.swfUrl = e.swfUrl;
  if (e.pageUrl) request.pageUrl = e.pageUrl;
  if (e.flashVer) request.flashVer = e.flashVer;
  return request;
}

function checkDecision(value: unknown): AuthDecision | string {
  if (value === null || typeof value !== 'object') return 'the authorizer returned no decision object';
  const d = value as { allow?: unknown; name?: unknown; reason?: unknown; hls?: unknown };
  if (d.allow === true) {
    if (d.name !== undefined && (typeof d.name !== 'string' || d.name === '')) {
      return 'the authorizer returned a name that is not a non-empty string';
    }
    if (d.hls !== undefined && typeof d.hls !== 'boolean') return 'the authorizer returned an hls that is not true/false';
    return {
      allow: true,
      ...(d.name === undefined ? {} : { name: d.name as string }),
      ...(d.hls === undefined ? {} : { hls: d.hls }),
    };
  }
  if (d.allow === false) {
    return { allow: false, reason: typeof d.reason === 'string' && d.reason !== '' ? d.reason : 'not authorized' };
  }
  return 'the authorizer returned a decision without allow: true/false';
}

export async function runAuthorizer(
  authorizer: Authorizer,
  request: AuthRequest,
  onError: 'deny' | 'allow',
): Promise<AuthOutcome> {
  let error: string;
  try {
    const checked = checkDecision(await authorizer(request));
    if (typeof checked !== 'string') return { decision: checked };
    error = checked;
  } catch (err) {
    error = `the authorizer threw: ${err instanceof Error ? err.message : String(err)}`;
  }
  // The client is told only that authorization failed; the details go to the log.
  return {
    decision: onError === 'allow' ? { allow: true } : { allow: false, reason: 'authorization failed' },
    error,
  };
}
