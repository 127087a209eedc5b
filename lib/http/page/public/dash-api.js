// rtmp-engine dashboard: the admin API client. The token (when the server
// needs one) is asked for once and kept in sessionStorage: it lasts as long as
// the tab, and never reaches a URL except the WebSocket's access_token (browsers
// cannot set headers on a WebSocket).

const TOKEN_KEY = 'rtmp-engine.adminToken';

/** An answer that is not 2xx: its status and the API's error code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || 'HTTP ' + status);
    this.status = status;
    this.code = code;
  }
}

export class AdminApi {
  constructor(base) {
    this.base = base;
    this.token = sessionStorage.getItem(TOKEN_KEY) || '';
  }

  setToken(token) {
    this.token = token;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  }

  headers() {
    return this.token ? { Authorization: 'Bearer ' + this.token } : {};
  }

  async request(method, path) {
    let r;
    try {
      r = await fetch(this.base + path, { method, headers: this.headers(), cache: 'no-store' });
    } catch (err) {
      throw new ApiError(0, 'network', 'the server did not answer');
    }
    if (!r.ok) {
      let code = '';
      let message = '';
      try {
        const body = await r.json();
        code = body.error && body.error.code;
        message = body.error && body.error.message;
      } catch (err) {
        /* not JSON */
      }
      throw new ApiError(r.status, code, message);
    }
    return r;
  }

  async json(path) {
    return (await this.request('GET', path)).json();
  }

  async remove(path) {
    return (await this.request('DELETE', path)).json();
  }

  /** A thumbnail as a blob (an <img> cannot send the bearer token). */
  async blob(path) {
    return (await this.request('GET', path)).blob();
  }

  /** ws(s)://host/api/v1/ws with the token as access_token (RFC 6750 §2.3). */
  socketUrl() {
    const url = new URL(this.base + '/ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.token) url.searchParams.set('access_token', this.token);
    return url.href;
  }
}
