/**
 * Child process for test/e2e/frames-lifecycle.test.ts: counts this process's
 * decoder pool threads (named rtmp-decode-N) before any frames subscription,
 * with one, and after server.close(). A child of its own, so no other test's
 * server in a shared Jest worker can change the count. Prints one JSON line.
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

async function main(): Promise<void> {
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' });
  await server.listen();
  const before = decoderThreads();
  const unsubscribe = server.onFrames('live/none', { wait: true }, () => {});
  const deadline = Date.now() + 10_000;
  while (server.frameSubscriptions().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
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
