/**
 * The admin API's routes, in one table: the handler dispatches on it and
 * test/admin/openapi.test.ts checks docs/openapi.json against it. Paths are
 * written as OpenAPI templates (`{app}`); a parameter matches one non-empty
 * path segment, percent-decoded.
 */
export const API_PREFIX = '/api/v1';

export type AdminMethod = 'GET' | 'DELETE';

export type AdminOperation =
  | 'getServer'
  | 'listStreams'
  | 'getStream'
  | 'stopStream'
  | 'listSessions'
  | 'kickSession'
  | 'liftBan'
  | 'getThumbnail'
  | 'getPlayback';

export interface AdminRoute {
  method: AdminMethod;
  /** OpenAPI path template. */
  path: string;
  operation: AdminOperation;
}

export const ADMIN_ROUTES: readonly AdminRoute[] = Object.freeze([
  { method: 'GET', path: `${API_PREFIX}/server`, operation: 'getServer' },
  { method: 'GET', path: `${API_PREFIX}/streams`, operation: 'listStreams' },
  { method: 'GET', path: `${API_PREFIX}/streams/{app}/{name}`, operation: 'getStream' },
  { method: 'DELETE', path: `${API_PREFIX}/streams/{app}/{name}`, operation: 'stopStream' },
  { method: 'GET', path: `${API_PREFIX}/streams/{app}/{name}/thumbnail.jpg`, operation: 'getThumbnail' },
  { method: 'GET', path: `${API_PREFIX}/streams/{app}/{name}/playback`, operation: 'getPlayback' },
  { method: 'GET', path: `${API_PREFIX}/sessions`, operation: 'listSessions' },
  { method: 'DELETE', path: `${API_PREFIX}/sessions/{id}`, operation: 'kickSession' },
  { method: 'DELETE', path: `${API_PREFIX}/bans/{app}/{name}`, operation: 'liftBan' },
]);

export type RouteMatch =
  | { kind: 'found'; route: AdminRoute; params: Record<string, string> }
  /** The path exists with other methods (405). */
  | { kind: 'method'; allowed: AdminMethod[] }
  | { kind: 'none' }
  /** A segment that does not percent-decode. */
  | { kind: 'bad'; message: string };

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | 'bad' | undefined {
  const parts = template.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith('{')) {
      if (segment === '') return undefined;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return 'bad';
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

/** HEAD is answered as GET (without the body). */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const segments = pathname.replace(/\/+$/, '').split('/');
  const wanted = method === 'HEAD' ? 'GET' : method;
  const allowed: AdminMethod[] = [];
  for (const route of ADMIN_ROUTES) {
    const params = matchTemplate(route.path, segments);
    if (params === undefined) continue;
    if (params === 'bad') return { kind: 'bad', message: `${pathname} has a malformed percent-encoding` };
    if (route.method === wanted) return { kind: 'found', route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
}
