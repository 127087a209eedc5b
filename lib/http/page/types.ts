/** What the page shows about a live stream, and how the page handler is set up. */
import type { IncomingMessage, ServerResponse } from 'http';

/**
 * One live stream, as the list at `/` and `/api/streams.json` show it. Built
 * by the server from the HLS store (or any other source of live streams).
 */
export interface StreamSummary {
  /** "app/name". */
  path: string;
  video?: { codec: string; width?: number; height?: number; frameRate?: number };
  audio?: { codec: string; sampleRate?: number; channels?: number };
  /** Unix ms of the stream's first media. */
  startedAtMs?: number;
  /** false: the publisher is gone and the playlist waits for a republish (default true). */
  live?: boolean;
}

export interface PageHandlerOptions {
  /** The live streams now (called per request of `/` and `/api/streams.json`). */
  listStreams: () => StreamSummary[] | Promise<StreamSummary[]>;
  /** Where the page is mounted: '' (default, the root) or a path such as '/watch'. */
  basePath?: string;
  /**
   * Prefix of the HLS/DASH URLs (`<mediaBase>/<app>/<name>/index.m3u8`): '' (default)
   * for this server's root, a path, or an absolute http(s) URL of another origin.
   */
  mediaBase?: string;
  /**
   * Where the admin API (createAdminHandler) answers, for the dashboard at `/`:
   * default '/api/v1'. Without it there (404) the dashboard shows the list of
   * streams from `listStreams` only.
   */
  adminBase?: string;
  /** Shown in the header and the title. Default 'rtmp-engine'. */
  title?: string;
}

/** A plain Node handler: resolves false when the request is not one of the page's. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
