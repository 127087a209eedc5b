#!/usr/bin/env node
// Compiles the SDK into dist/ and copies the hand-written declaration files of
// types/ (the addon's contract, types/native.d.ts) next to it. tsc never
// copies a .d.ts input to outDir, yet dist/lib/*.d.ts import '../types/native':
// without the copy a consumer's type check fails with TS2307 and, with
// skipLibCheck, every type taken from it (SessionInfo.role, …) turns into any.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status || 1);

const from = path.join(root, 'types');
const to = path.join(root, 'dist', 'types');
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) {
  if (name.endsWith('.d.ts')) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
