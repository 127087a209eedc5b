/** Servers for addon tests: loopback, port 0, silent, and always closed. */
import { once } from 'events';
import * as net from 'net';

import { createServer, type RtmpServer } from '../../lib';
import type { RtmpServerEventMap } from '../../lib/events';
import type { ServerOptions } from '../../lib/options';
import { withTimeout } from './wait';

const live = new Set<RtmpServer>();

export function testServer(options: ServerOptions = {}): RtmpServer {
  const server = createServer({
    logLevel: 'silent',
    // HTTP is on by default (port 8000): tests that want it say so, on a free port.
    http: false,
    ...options,
    rtmp: { host: '127.0.0.1', port: 0, ioThreads: 2, ...options.rtmp },
  });
  live.add(server);
  return server;
}

/** For afterEach: closes whatever a test left open, without waiting for a grace period. */
export async function closeAllTestServers(): Promise<void> {
  const servers = [...live];
  live.clear();
  await Promise.all(servers.map((s) => withTimeout('closing a test server', s.close({ graceMs: 0 }), 10_000)));
}

/** The next event of that name, time-boxed. */
export async function nextEvent<K extends keyof RtmpServerEventMap>(
  server: RtmpServer,
  name: K,
  timeoutMs = 5000,
): Promise<RtmpServerEventMap[K][0]> {
  const [payload] = (await withTimeout(`a "${name}" event`, once(server as never, name), timeoutMs)) as [
    RtmpServerEventMap[K][0],
  ];
  return payload;
}

/** Collects every event of the given names, in order. */
export function recordEvents(server: RtmpServer, names: Array<keyof RtmpServerEventMap>): Array<{ name: string; sessionId?: number }> {
  const seen: Array<{ name: string; sessionId?: number }> = [];
  for (const name of names) {
    server.on(name, (payload: { sessionId?: number | null }) => seen.push({ name, sessionId: payload.sessionId ?? undefined }));
  }
  return seen;
}

export async function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = net.createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const port = (holder.address() as net.AddressInfo).port;
  return { port, release: () => new Promise((resolve) => holder.close(() => resolve())) };
}

/** Resolves true if a TCP connection to the port is refused. */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
