// Worker body for test/e2e/packets-lifecycle.test.ts: a server with a live
// packets() subscription when the worker is terminated or exits.
//   posts { port } once listening, then { packets } once `count` packets came;
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
  let packets = 0;
  // Keeps iterating (and the subscription open) until the worker goes away.
  for await (const _ of server.packets(workerData.path, { wait: true })) {
    if (++packets === workerData.count) parentPort.postMessage({ packets });
  }
}

main().catch((err) => {
  parentPort.postMessage({ error: String((err && err.stack) || err) });
  process.exit(1);
});
