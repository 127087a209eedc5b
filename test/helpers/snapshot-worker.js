// Worker body for test/e2e/snapshot-lifecycle.test.ts: a server taking
// snapshots of a live stream back to back (one always in flight: a decoder
// started, a picture being decoded or encoded) when the worker is terminated
// or exits.
//   posts { port } once listening, then { shots } once `count` snapshots came;
//   the main thread then terminates the worker or sends "exit".
'use strict';
require('./register-ts');
const { parentPort, workerData } = require('worker_threads');
const { createServer } = require('../../lib');

async function main() {
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  parentPort.on('message', (msg) => {
    if (msg === 'exit') process.exit(0);
  });
  parentPort.postMessage({ port });
  let shots = 0;
  for (;;) {
    await server.snapshot(workerData.path, { format: 'png', wait: true, timeoutMs: 20000 });
    if (++shots === workerData.count) parentPort.postMessage({ shots });
  }
}

main().catch((err) => {
  parentPort.postMessage({ error: String((err && err.stack) || err) });
  process.exit(1);
});
