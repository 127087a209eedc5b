/** HTTP requests to the admin API for tests: status, headers and the parsed JSON body, time-boxed. */
import * as http from 'http';

export interface AdminAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export function adminRequest(
  port: number,
  method: string,
  path: string,
  token?: string | null,
  timeoutMs = 10_000,
): Promise<AdminAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: token === undefined || token === null ? {} : { Authorization: `Bearer ${token}` },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
