/**
 * Types shared by the auth hook (issue #5) and its built-in helpers. The
 * engine parks a publishing or playing session until an Authorizer answers.
 */

export type AuthAction = 'publish' | 'play';

/** How the client came in: RTMP(S), or an HLS/DASH player over HTTP (always 'play'). */
export type AuthProtocol = 'rtmp' | 'hls' | 'dash';

/** What the engine knows about a session asking to publish or play. */
export interface AuthRequest {
  action: AuthAction;
  protocol: AuthProtocol;
  /** App name without its query. */
  app: string;
  /** Stream name without its query. */
  name: string;
  /**
   * Parsed from the tcUrl/app query and the stream name's query; on a
   * repeated key the stream name's value wins.
   */
  query: Record<string, string>;
  /** RTMP: the connect's tcUrl. HLS/DASH: the playlist or MPD URL as requested. */
  tcUrl: string;
  swfUrl?: string;
  pageUrl?: string;
  flashVer?: string;
  /** Peer address and port. */
  ip: string;
  port: number;
  /** True when the session came in over RTMPS (or HTTPS). */
  tls: boolean;
  /** The engine's session id; 0 for HLS/DASH (see viewerSession). */
  sessionId: number;
  /** HLS/DASH: the viewer session id the decision is cached under. */
  viewerSession?: string;
}

export type AuthDecision =
  /**
   * `name`: serve the stream under this public name instead (secret key → public name).
   * `hls` (publish): segment this stream for HLS/DASH (true) or not (false),
   * whatever the `hls` options say; omitted: the options decide.
   */
  | { allow: true; name?: string; hls?: boolean }
  | { allow: false; reason: string };

export type Authorizer = (req: AuthRequest) => AuthDecision | Promise<AuthDecision>;

/** An allowing decision, optionally renaming the stream. */
export function allow(name?: string): AuthDecision {
  return name === undefined ? { allow: true } : { allow: true, name };
}

/** A denying decision; the reason ends up in the engine's logs and events. */
export function deny(reason: string): AuthDecision {
  return { allow: false, reason };
}
