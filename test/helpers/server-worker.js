// Worker body for test/worker-threads.test.ts. Plain JS so worker_threads can
// start it; it loads the TypeScript SDK through the register-ts hook.
//   mode "cycle": listen on port 0, see one client connect, close, report.
//   mode "stay":  listen, report the port, then wait: the main thread either
//                 terminates the worker or sends "exit" (process.exit(0) here).
'use strict';
require('./register-ts');
const { parentPort, workerData } = require('worker_threads');
const { createServer } = require('../../lib');
const { RtmpTestClient } = require('./rtmp-test-client');

async function cycle() {
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  const connected = new Promise((resolve) => server.once('connect', resolve));
  const client = await RtmpTestClient.connect(port, 'live');
  const { sessionId } = await connected;
  const result = await server.close({ graceMs: 1000 });
  await client.closed;
  parentPort.postMessage({ port, sessionId, result });
}

async function stay() {
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  parentPort.on('message', (msg) => {
    if (msg === 'exit') process.exit(0);
  });
  parentPort.postMessage({ port });
}

(workerData.mode === 'cycle' ? cycle() : stay()).catch((err) => {
  parentPort.postMessage({ error: String((err && err.stack) || err) });
  process.exit(1);
});
