/**
 * GET /api/v1/streams/{app}/{name}/playback: HLS/DASH URLs of a live stream
 * that an authorizer lets through, for the caller (the dashboard's player):
 * each carries a playback grant for that stream (./playback-grants.ts).
 */
import type { RouteContext, RouteResult } from './context';
import { AdminErrorCodes, AdminHttpError } from './json';
import { PLAY_GRANT_PARAM, playbackGrants } from './playback-grants';
import { onlyParams } from './query-params';
import { urls } from './stream-routes';

export function getPlayback(ctx: RouteContext): RouteResult {
  onlyParams(ctx.query, []);
  const path = `${ctx.params.app}/${ctx.params.name}`;
  const stream = ctx.host.stats().streams.find((s) => s.path === path);
  if (!stream) throw new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `no live stream ${path}`);
  const { grant, expiresAtMs } = playbackGrants(ctx.host.server).mint(path);
  const query = `${PLAY_GRANT_PARAM}=${encodeURIComponent(grant)}`;
  const all = urls(ctx, stream);
  const out: Record<string, string> = {};
  if (all.hls) out.hls = `${all.hls}?${query}`;
  if (all.dash) out.dash = `${all.dash}?${query}`;
  return { body: { path, expiresAtMs, query, urls: out } };
}
