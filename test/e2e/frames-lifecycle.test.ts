/**
 * A frames() subscription alive when its environment goes: server.close()
 * ends a pending iteration (done) and frees the decoder; a worker terminated,
 * or exiting, while its subscription decodes live frames and holds some of
 * them unreleased stops cleanly (decoder pool joined before the engine, no
 * call into a dead environment), the port is freed and the publisher let go.
 */
import { once } from 'events';
import * as path from 'path';
import { Worker } from 'worker_threads';

import { describeWithAddon } from '../helpers/addon';
import { collect, spawnTs } from '../helpers/child';
import { connectionRefused } from '../helpers/servers';
import { withTimeout } from '../helpers/wait';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitUntil } from './helpers/server';

const WORKER = path.join(__dirname, '..', 'helpers', 'frames-worker.js');

interface Report {
  port?: number;
  frames?: number;
  error?: string;
}

describeWithAddon('frames() lifecycle', () => {
  afterEach(() => stopAll());

  it('starts decoder threads with the first subscription and joins them on close', async () => {
    const run = await collect(spawnTs([path.join(__dirname, '..', 'helpers', 'decoder-pool-size-child.ts'), '2']), 60_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const counts = JSON.parse(run.stdout.trim()) as { before: number; during: number; after: number };
    expect(counts.before).toBe(0);
    expect(counts.during).toBeGreaterThan(0);
    expect(counts.after).toBe(0);
  });

  it('server.close() ends a pending iteration and frees the decoder', async () => {
    const { server } = await startServer();
    const iterator = server.frames('live/none', { wait: true });
    const pending = iterator.next();
    await waitUntil(() => server.frameSubscriptions().length === 1, 'the subscription');
    expect(server.frameDecoderCount()).toBe(1);
    await server.close({ graceMs: 500 });
    await expect(withTimeout('the iteration to end', pending)).resolves.toEqual({ value: undefined, done: true });
    expect(server.frameSubscriptions()).toEqual([]);
    expect(server.frameDecoderCount()).toBe(0);
  });

  for (const how of ['terminate', 'exit'] as const) {
    it(`a worker ${how === 'terminate' ? 'terminated' : 'exiting'} while its subscription decodes frames`, async () => {
      const clip = makeClip({ seconds: 4 });
      const worker = new Worker(WORKER, { workerData: { path: 'live/w', count: 20 } });
      const next = (): Promise<Report> =>
        withTimeout('a worker report', once(worker, 'message'), 30_000).then(([m]) => m as Report);
      const exited = withTimeout('the worker exit', once(worker, 'exit'), 60_000).then(([code]) => code as number);
      try {
        const { port, error } = await next();
        expect(error).toBeUndefined();
        const pub = publish(clip.file, `rtmp://127.0.0.1:${port}/live/w`, { loop: true, timeoutMs: 30_000 });
        await expect(next()).resolves.toEqual({ frames: 20 });
        if (how === 'terminate') await worker.terminate();
        else worker.postMessage('exit');
        await expect(exited).resolves.toBe(how === 'terminate' ? 1 : 0);
        expect(await connectionRefused(port as number)).toBe(true);
        await withTimeout('the publisher to be let go', pub.exited, 15_000);
      } finally {
        await worker.terminate();
      }
    });
  }
});
