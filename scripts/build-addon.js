#!/usr/bin/env node
// Builds the native addon with node-gyp. Node's full headers (with uv.h and the
// OpenSSL headers) ship in <prefix>/include/node on Debian/NodeSource installs;
// when they match the running Node we pass --nodedir so node-gyp never tries to
// download headers (this machine has no route to nodejs.org).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

if (process.env.RTMP_ENGINE_SKIP_BUILD === '1') process.exit(0);

function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const header = path.join(prefix, 'include', 'node', 'node_version.h');
  if (!fs.existsSync(header)) return null;
  const text = fs.readFileSync(header, 'utf8');
  const part = (name) => (text.match(new RegExp(`#define ${name} (\\d+)`)) || [])[1];
  const version = `${part('NODE_MAJOR_VERSION')}.${part('NODE_MINOR_VERSION')}.${part('NODE_PATCH_VERSION')}`;
  return version === process.versions.node ? prefix : null;
}

const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', {
  paths: [path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules'), __dirname],
});
// configure + build rather than rebuild: rebuild deletes build/, which also
// holds the CMake build trees used by tests and benchmarks.
const common = [];
const nodedir = process.env.npm_config_nodedir || localNodeDir();
if (nodedir) common.push(`--nodedir=${nodedir}`);
if (process.env.RTMP_ENGINE_DEBUG === '1') common.push('--debug');

function gyp(...args) {
  return spawnSync(process.execPath, [nodeGyp, ...args, ...common], {
    stdio: 'inherit',
    cwd: path.join(__dirname, '..'),
  });
}

let result = gyp('configure');
if (result.status === 0) result = gyp('build', `--jobs=${process.env.JOBS || '2'}`);
if (result.status !== 0) {
  console.error(
    '\nrtmp-engine: building the native addon failed.\n' +
      '  It needs a C++20 compiler (g++ >= 12), make, python3 and Node headers.\n' +
      '  On Debian/Ubuntu: apt-get install -y g++ make python3 pkg-config\n',
  );
  process.exit(result.status || 1);
}
