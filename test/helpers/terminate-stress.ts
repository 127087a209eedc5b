/**
 * Child process for test/worker-threads.test.ts: terminates workers whose
 * servers are busy delivering events and packets to JS, again and again. A
 * callback that lands while a worker stops must be dropped, never abort the
 * process. Prints "ok <n>" and exits 0 when every round went through.
 *   node -r test/helpers/register-ts.js test/helpers/terminate-stress.ts <rounds>
 */
import { once } from 'events';
import * as path from 'path';
import { Worker } from 'worker_threads';

import { RtmpTestClient } from './rtmp-test-client';

const PACKETS_WORKER = path.join(__dirname, 'packets-worker.js');
const SERVER_WORKER = path.join(__dirname, 'server-worker.js');
const AAC_FRAME = Buffer.from([0xaf, 0x01, 0x21, 0x00, 0x49, 0x90]);

async function round(i: number): Promise<void> {
  const withPackets = i % 2 === 0;
  const worker = withPackets
    ? new Worker(PACKETS_WORKER, { workerData: { path: 'live/cam0', count: 1 } })
    : new Worker(SERVER_WORKER, { workerData: { mode: 'stay' } });
  worker.on('error', () => {});
  const [{ port }] = (await once(worker, 'message')) as [{ port: number }];
  let flowing = true;
  const clients: RtmpTestClient[] = [];
  for (let k = 0; k < 3; k++) {
    const client = await RtmpTestClient.connect(port, 'live');
    clients.push(client);
    client
      .publish(`cam${k}`)
      .then(() => {
        client.sendAacAudio();
        const pump = (): void => {
          if (!flowing) return;
          for (let j = 0; j < 20; j++) client.sendMedia(8, AAC_FRAME);
          setImmediate(pump);
        };
        pump();
      })
      .catch(() => {});
  }
  // A different moment in the flow each round.
  await new Promise((resolve) => setTimeout(resolve, 20 + (i % 7) * 5));
  await worker.terminate();
  flowing = false;
  for (const client of clients) client.destroy();
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 10);
  for (let i = 0; i < rounds; i++) await round(i);
  process.stdout.write(`ok ${rounds}\n`);
}

main().catch((err) => {
  process.stderr.write(`${String((err && err.stack) || err)}\n`);
  process.exit(1);
});
