// Worker body for test/e2e/hls-feed-teardown.test.ts: a native engine with an
// HLS feed, posting the port and then a message per feed batch, until the main
// thread terminates it (the environment cleanup must discard the channel).
'use strict';
require('./register-ts');
const { parentPort } = require('worker_threads');
const { loadAddon } = require('../../lib/native');
const { toNativeConfig } = require('../../lib/native-config');
const { resolveOptions } = require('../../lib/options');

const config = toNativeConfig(resolveOptions({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 }, logLevel: 'silent' }));
const engine = new (loadAddon().Engine)(config, () => undefined);
engine.setHlsFeed((items) => parentPort.postMessage({ items: items.map((i) => i.type) }));
engine.start();
parentPort.postMessage({ port: engine.boundPort() });
