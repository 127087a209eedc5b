// Worker body for test/e2e/frames-lifecycle.test.ts: a server with a live
// frames() subscription (decoder running, frames held unreleased in JS) when
// the worker is terminated or exits. workerData: { path, count, buffers? }
// (frames.buffers, default 'pool').
//   posts { port } once listening, then { frames } once `count` frames came;
//   the main thread then terminates the worker or sends "exit".
'use strict';
require('./register-ts');
const { parentPort, workerData } = require('worker_threads');
const { createServer } = require('../../lib');

async function main() {
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 },
    http: false,
    logLevel: 'silent',
    frames: { buffers: workerData.buffers || 'pool' },
  });
  const { port } = await server.listen();
  parentPort.on('message', (msg) => {
    if (msg === 'exit') process.exit(0);
  });
  parentPort.postMessage({ port });
  let frames = 0;
  const held = [];
  // Keeps iterating (and the subscription open) until the worker goes away;
  // the last few frames stay unreleased, their buffers lent to JS.
  for await (const f of server.frames(workerData.path, { wait: true })) {
    held.push(f);
    if (held.length > 2) held.shift().release();
    if (++frames === workerData.count) parentPort.postMessage({ frames });
  }
}

main().catch((err) => {
  parentPort.postMessage({ error: String((err && err.stack) || err) });
  process.exit(1);
});
