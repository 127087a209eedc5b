/** Starting servers on loopback and waiting for their events, time-boxed. */
import { createServer, RtmpServer } from '../../../lib';
import type { ServerOptions } from '../../../lib';

export async function startServer(options: Partial<ServerOptions> = {}): Promise<{ server: RtmpServer; port: number; url: (path: string) => string }> {
  const server = createServer({
    ...options,
    rtmp: { host: '127.0.0.1', port: 0, ...(options.rtmp ?? {}) },
    http: false,
    logLevel: 'silent',
  } as ServerOptions);
  const { port } = await server.listen();
  return { server, port, url: (path: string) => `rtmp://127.0.0.1:${port}/${path}` };
}

/** Resolves with the first event `name` whose payload passes `match`. */
export function waitForEvent<T = any>(
  server: RtmpServer,
  name: string,
  match: (payload: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.off(name as any, listener);
      reject(new Error(`no '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      server.off(name as any, listener);
      resolve(payload);
    };
    server.on(name as any, listener);
  });
}

/** Polls `check` every 50 ms until it returns true, or fails after timeoutMs. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
