#!/usr/bin/env node
// `npm run prebuild`: the N-API binary shipped in the package, in
// prebuilds/<platform>-<arch>/ (stripped, libc-tagged), made by prebuildify
// and found at run time by node-gyp-build (lib/native.ts).
//
// One addon build only: prebuildify is handed this same script as its
// "node-gyp" (PREBUILD_NODE_GYP), and that step runs scripts/build-addon.js,
// the incremental, ccache-friendly build a checkout already did (identical
// flags, so an up-to-date build/Release/rtmp_engine.node is reused as is),
// then copies the binary into a staging folder. prebuildify strips and renames
// the copy there, so build/Release/rtmp_engine.node is left in place and
// node-gyp's `rebuild` (which would delete build/) never runs.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const stage = path.join(root, 'build', 'prebuild-stage');

function buildIntoStage() {
  const env = { ...process.env };
  delete env.RTMP_ENGINE_DEBUG; // the shipped binary is always a Release build
  delete env.RTMP_ENGINE_SKIP_BUILD;
  // Build output goes to stderr so `npm pack --json` keeps a clean stdout.
  const build = spawnSync(process.execPath, [path.join(__dirname, 'build-addon.js')], { stdio: ['ignore', 2, 2], cwd: root, env });
  if (build.status !== 0) process.exit(build.status || 1);
  const out = path.join(stage, 'build', 'Release');
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(path.join(root, 'build', 'Release', 'rtmp_engine.node'), path.join(out, 'rtmp_engine.node'));
}

function prebuild() {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  const prebuildify = require('prebuildify');
  const opts = { napi: true, strip: true, tagLibc: true, name: 'rtmp-engine', cwd: stage, out: root, nodeGyp: __filename, targets: [] };
  prebuildify(opts, (err) => {
    fs.rmSync(stage, { recursive: true, force: true });
    if (err) {
      console.error(`rtmp-engine: prebuild failed: ${err.message}`);
      process.exit(1);
    }
    const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    for (const name of fs.readdirSync(dir)) console.error(`rtmp-engine: prebuilt ${path.relative(root, path.join(dir, name))}`);
  });
}

// prebuildify calls its node-gyp as `<node-gyp> rebuild --target=… --release`.
if (process.argv[2] === 'rebuild') buildIntoStage();
else prebuild();
