/** What every route gets: the request, who made it, and the state it reads. */
import type { IncomingMessage } from 'http';

import type { AdminCaller } from './admin-auth';
import type { AdminHost } from './host';
import type { StatsSampler } from './stats-sampler';
import type { ThumbnailCache } from './thumbnails';

export interface RouteContext {
  req: IncomingMessage;
  caller: AdminCaller;
  host: AdminHost;
  sampler: StatsSampler;
  thumbnails: ThumbnailCache;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Tells live stats clients what a route did (kick, stopStream). */
  notify(name: string, fields: Record<string, unknown> & { path?: string }): void;
}

/** A route's answer: a status (200 unless said) and the JSON body, or an image instead. */
export interface RouteResult {
  status?: number;
  body: unknown;
  image?: { contentType: string; data: Buffer; cacheControl: string };
}
