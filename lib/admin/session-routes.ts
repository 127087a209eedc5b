/**
 * GET /api/v1/sessions and DELETE /api/v1/sessions/{id}: RTMP(S) sessions
 * (from the engine) and HLS/DASH viewer sessions (from the HTTP handler) in
 * one list. RTMP ids are the engine's numbers ("42", the `sessionId` of
 * events and logs); viewer ids are "viewer:<id>", the id in their playlist
 * URLs, so the two never collide.
 */
import type { ViewerSession } from '../http/viewer-sessions';
import type { SessionInfo } from '../snapshots';
import type { RouteContext, RouteResult } from './context';
import { AdminErrorCodes, AdminHttpError } from './json';
import { enumParam, intParam, onlyParams } from './query-params';

const VIEWER_PREFIX = 'viewer:';
const ROLES = ['publisher', 'player', 'unknown'] as const;
const PROTOCOLS = ['rtmp', 'rtmps', 'hls', 'dash'] as const;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;

interface SessionRow {
  id: string;
  protocol: (typeof PROTOCOLS)[number];
  role: (typeof ROLES)[number];
  stream: string;
  /** Unix ms of the connect (RTMP) or the first authorized playlist (HLS/DASH). */
  sinceMs: number;
  [field: string]: unknown;
}

function rtmpRow(s: SessionInfo): SessionRow {
  return {
    id: String(s.id),
    protocol: s.protocol,
    role: s.role,
    stream: s.stream === '' ? '' : s.path,
    sinceMs: s.connectedAtMs,
    ip: s.ip,
    port: s.port,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    ...(s.role === 'player' ? { droppedVideoFrames: s.droppedVideo, droppedAudioFrames: s.droppedAudio } : {}),
    ...(s.role === 'publisher' ? { ingestDrops: s.ingestDrops } : {}),
    loop: s.loop,
  };
}

function viewerRow(v: ViewerSession): SessionRow {
  return {
    id: VIEWER_PREFIX + v.id,
    protocol: v.protocol === 'dash' ? 'dash' : 'hls',
    role: 'player',
    stream: v.stream,
    sinceMs: v.since,
    lastSeenMs: v.lastSeen,
    ip: v.ip,
    requests: v.requests,
    // What the player reported through CMCD, when it sends it (null otherwise).
    cmcd: v.cmcd
      ? {
          bufferMs: v.cmcd.bufferMs ?? null,
          bitrateKbps: v.cmcd.bitrateKbps ?? null,
          throughputKbps: v.cmcd.throughputKbps ?? null,
          stalls: v.cmcd.stalls,
          reportedAtMs: v.cmcd.reportedAt,
        }
      : null,
  };
}

export function listSessions(ctx: RouteContext): RouteResult {
  const { query } = ctx;
  onlyParams(query, ['stream', 'role', 'protocol', 'limit', 'offset']);
  const stream = query.get('stream');
  const role = enumParam(query, 'role', ROLES);
  const protocol = enumParam(query, 'protocol', PROTOCOLS);
  const limit = intParam(query, 'limit', 1, MAX_LIMIT, DEFAULT_LIMIT) as number;
  const offset = intParam(query, 'offset', 0, Number.MAX_SAFE_INTEGER, 0) as number;
  if (stream !== null && !/^[^/]+\/[^/]+$/.test(stream)) {
    throw new AdminHttpError(400, AdminErrorCodes.BAD_REQUEST, `stream must be "app/name" (got "${stream}")`);
  }
  let rows: SessionRow[] = [];
  const engineSessions = protocol === undefined || protocol === 'rtmp' || protocol === 'rtmps';
  if (engineSessions) rows.push(...ctx.host.stats().sessions.map(rtmpRow));
  if (protocol === undefined || !engineSessions) rows.push(...ctx.host.viewerSessions().map(viewerRow));
  rows = rows.filter(
    (r) => (stream === null || r.stream === stream) && (role === undefined || r.role === role) && (protocol === undefined || r.protocol === protocol),
  );
  // Oldest first, ties by id: a page boundary stays put while sessions come and go behind it.
  rows.sort((a, b) => a.sinceMs - b.sinceMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = rows.slice(offset, offset + limit);
  const next = offset + page.length < rows.length ? offset + page.length : null;
  return { body: { total: rows.length, offset, limit, nextOffset: next, sessions: page } };
}

export function kickSession(ctx: RouteContext): RouteResult {
  onlyParams(ctx.query, ['reason']);
  const id = ctx.params.id as string;
  const reason = ctx.query.get('reason') ?? 'kicked by an operator';
  if (reason.length > 200) throw new AdminHttpError(400, AdminErrorCodes.BAD_REQUEST, 'reason must be at most 200 characters');
  const { server, logger } = ctx.host;
  let kicked: boolean;
  let protocol: string;
  if (id.startsWith(VIEWER_PREFIX)) {
    protocol = 'http';
    kicked = ctx.host.kickViewer(id.slice(VIEWER_PREFIX.length));
  } else if (/^[1-9]\d{0,15}$/.test(id)) {
    const session = ctx.host.stats().sessions.find((s) => s.id === Number(id)); // the shared read
    protocol = session?.protocol ?? 'rtmp'; // 'rtmps' for a session of the TLS listener
    kicked = server.kick(Number(id), reason);
  } else {
    throw new AdminHttpError(
      400,
      AdminErrorCodes.BAD_REQUEST,
      `a session id is a positive integer (RTMP) or "viewer:<id>" (HLS/DASH) (got "${id}")`,
    );
  }
  if (!kicked) throw new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `no session ${id}`);
  logger.info({ admin: ctx.caller.who, ip: ctx.caller.ip, sessionId: id, protocol, reason }, 'admin: session kicked');
  ctx.notify('kick', { sessionId: id, protocol, reason });
  return { body: { id, kicked: true } };
}
