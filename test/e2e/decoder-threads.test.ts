/**
 * frames.decoderThreads sizes the decoder pool: the pool's threads (named
 * rtmp-decode-N by the engine) start with the first subscription, as many as
 * asked for, and are joined when the server closes.
 */
import * as fs from 'fs';

import { describeWithAddon } from '../helpers/addon';
import { startServer, waitUntil } from './helpers/server';

/** Threads of this process named by the decoder pool (rtmp-decode-N). */
function decoderThreads(): number {
  let count = 0;
  for (const task of fs.readdirSync('/proc/self/task')) {
    try {
      if (fs.readFileSync(`/proc/self/task/${task}/comm`, 'utf8').startsWith('rtmp-decode-')) count++;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return count;
}

describeWithAddon('frames.decoderThreads', () => {
  for (const threads of [1, 3]) {
    it(`decoderThreads: ${threads} starts ${threads} decoder thread(s) with the first subscription`, async () => {
      const { server } = await startServer({ frames: { decoderThreads: threads } });
      try {
        expect(decoderThreads()).toBe(0);
        const unsubscribe = server.onFrames('live/none', { wait: true }, () => {});
        await waitUntil(() => server.frameSubscriptions().length === 1, 'the subscription');
        await waitUntil(() => decoderThreads() === threads, `${threads} decoder threads (now ${decoderThreads()})`);
        unsubscribe();
      } finally {
        await server.close({ graceMs: 500 });
      }
      expect(decoderThreads()).toBe(0);
    });
  }
});
