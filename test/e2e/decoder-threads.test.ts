/**
 * frames.decoderThreads sizes the decoder pool: its threads (named
 * rtmp-decode-N by the engine) start with the first subscription, as many as
 * asked for, and are joined when the server closes. Counted in a child
 * process of its own (a shared Jest worker may hold another suite's server).
 */
import * as path from 'path';

import { describeWithAddon } from '../helpers/addon';
import { runTs } from '../helpers/child';

const CHILD = path.join(__dirname, '..', 'helpers', 'decoder-pool-size-child.ts');

describeWithAddon('frames.decoderThreads', () => {
  for (const threads of [1, 3]) {
    it(`decoderThreads: ${threads} starts ${threads} decoder thread(s) with the first subscription`, async () => {
      const run = await runTs([CHILD, String(threads)], 60_000);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(run.stdout.trim())).toEqual({ before: 0, during: threads, after: 0 });
    });
  }
});
