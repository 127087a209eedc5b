/**
 * Snapshots in flight when their environment goes: a worker terminated, or
 * exiting, while it takes PNG snapshots of a live stream back to back stops
 * cleanly (requests ended without a call into the dead environment, decoder
 * pool joined before the engine), the port is freed and the publisher let go.
 */
import { once } from 'events';
import * as path from 'path';
import { Worker } from 'worker_threads';

import { describeWithAddon } from '../helpers/addon';
import { connectionRefused } from '../helpers/servers';
import { withTimeout } from '../helpers/wait';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';

const WORKER = path.join(__dirname, '..', 'helpers', 'snapshot-worker.js');

interface Report {
  port?: number;
  shots?: number;
  error?: string;
}

describeWithAddon('snapshot() lifecycle', () => {
  afterEach(() => stopAll());

  for (const how of ['terminate', 'exit'] as const) {
    it(`a worker ${how === 'terminate' ? 'terminated' : 'exiting'} while snapshots are in flight`, async () => {
      const clip = makeClip({ seconds: 4 });
      const worker = new Worker(WORKER, { workerData: { path: 'live/w', count: 5 } });
      const next = (): Promise<Report> =>
        withTimeout('a worker report', once(worker, 'message'), 30_000).then(([m]) => m as Report);
      const exited = withTimeout('the worker exit', once(worker, 'exit'), 60_000).then(([code]) => code as number);
      try {
        const { port, error } = await next();
        expect(error).toBeUndefined();
        const pub = publish(clip.file, `rtmp://127.0.0.1:${port}/live/w`, { loop: true, timeoutMs: 30_000 });
        await expect(next()).resolves.toEqual({ shots: 5 });
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
