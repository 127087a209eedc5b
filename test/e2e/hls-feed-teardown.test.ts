/**
 * A worker with a live engine segmenting a publish for HLS is terminated: the
 * environment cleanup stops the engine and discards the feed channel (no call
 * into a dead environment, no crash), the publisher is disconnected and the
 * main thread carries on.
 */
import { once } from 'events';
import * as path from 'path';
import { Worker } from 'worker_threads';

import { describeWithAddon } from '../helpers/addon';
import { withTimeout } from '../helpers/wait';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';

jest.setTimeout(60_000);

describeWithAddon('HLS feed teardown', () => {
  afterEach(() => stopAll());

  it('terminating a worker mid-publish stops its engine and feed cleanly', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const worker = new Worker(path.join(__dirname, '..', 'helpers', 'hls-feed-worker.js'));
    const exited = once(worker, 'exit');
    try {
      const types: string[] = [];
      const port = await withTimeout(
        'the worker port',
        new Promise<number>((resolve) => {
          worker.on('message', (msg: { port?: number; items?: string[] }) => {
            if (msg.port) resolve(msg.port);
            if (msg.items) types.push(...msg.items);
          });
        }),
        30_000,
      );
      const pub = publish(clip.file, `rtmp://127.0.0.1:${port}/live/cam`, { loop: true });
      await withTimeout(
        'parts from the worker',
        new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            if (types.filter((t) => t === 'part').length >= 3) {
              clearInterval(timer);
              resolve();
            }
          }, 50);
        }),
        30_000,
      );
      expect(types[0]).toBe('init');
      await worker.terminate();
      await withTimeout('the worker to exit', exited, 10_000);
      // The publisher loses its server: ffmpeg ends (with an error) on its own.
      await withTimeout('the publisher to end', pub.exited, 20_000);
    } finally {
      await worker.terminate();
    }
  });
});
