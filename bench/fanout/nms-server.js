// Starts Node-Media-Server v4 for bench/fanout: RTMP on --rtmp-port, its HTTP
// server on --http-port, all runtime files under --dir. NMS v4 always keeps a
// GOP cache per stream (there is no switch for it), so players start at the
// last keyframe. The webadmin, auth, recording and notifications are off.
//
//   node bench/fanout/nms-server.js --rtmp-port 19350 --http-port 19351 --dir /tmp/nms
//
// SIGTERM/SIGINT stop it (nms.stop(), then exit; a second signal exits at once).
'use strict';

const path = require('path');
const { parseArgs } = require('util');

const { values } = parseArgs({
  options: {
    'rtmp-port': { type: 'string' },
    'http-port': { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    dir: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
  },
  strict: true,
});

function port(name) {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`nms-server: --${name} must be a port number`);
    process.exit(2);
  }
  return n;
}

const rtmpPort = port('rtmp-port');
const httpPort = port('http-port');
if (!values.dir) {
  console.error('nms-server: --dir is required');
  process.exit(2);
}
const dir = path.resolve(values.dir);

const NodeMediaServer = require('node-media-server');
const logger = require('node-media-server/src/core/logger.js');

// v4 config (src/core/context.js reads it): "bind" is the listen address for
// every server; a server without a port is not started, so rtmps/https are
// left out. "store" is v4's JSON store for history and relay tasks.
const config = {
  bind: values.host,
  rtmp: { port: rtmpPort },
  http: { port: httpPort },
  webadmin: { enable: false },
  auth: { play: false, publish: false, secret: '' },
  notify: { url: '' },
  record: { auto: false, path: path.join(dir, 'record') },
  store: { path: path.join(dir, 'data'), maxHistory: 100 },
};

const nms = new NodeMediaServer(config, path.join(dir, 'config.json'));
// The constructor forces debug logging (a line per session event); a
// deployment would not log at that level, so neither does the benchmark.
logger.level = values['log-level'];
nms.run();

let stopping = false;
function stop() {
  if (stopping) process.exit(0);
  stopping = true;
  const timer = setTimeout(() => process.exit(0), 2000);
  timer.unref();
  Promise.resolve(nms.stop()).finally(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
