/**
 * Child process for test/e2e/decoder-threads.test.ts: a server with
 * `frames.decoderThreads` = argv[2] counts its decoder pool threads (named
 * rtmp-decode-N) before any subscription, with one, and after close. A
 * process of its own, so no other suite's server in a shared Jest worker can
 * change the count. Prints one JSON line.
 */
import * as fs from 'fs';

import { createServer } from '../../lib';

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

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

async function main(): Promise<void> {
  const threads = Number(process.argv[2]);
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: false,
    logLevel: 'silent',
    frames: { decoderThreads: threads },
  });
  await server.listen();
  const before = decoderThreads();
  const unsubscribe = server.onFrames('live/none', { wait: true }, () => {});
  await until(() => server.frameSubscriptions().length === 1, 10_000);
  // The threads name themselves as they start.
  await until(() => decoderThreads() === threads, 10_000);
  const during = decoderThreads();
  unsubscribe();
  await server.close({ graceMs: 500 });
  const after = decoderThreads();
  process.stdout.write(`${JSON.stringify({ before, during, after })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  },
);
