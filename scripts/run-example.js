#!/usr/bin/env node
// `npm run example -- <name> [args…]`: runs examples/<name>.ts as a user's app
// would run it. The examples import 'rtmp-engine'; Node resolves that name to
// this checkout's dist/lib through package.json "exports" (a package may
// import itself by name), so dist/ is built first when it is missing or older
// than lib/, then the examples are compiled (and type-checked) with
// examples/tsconfig.json into dist/examples, and the one asked for runs in a
// child process with the remaining arguments.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const OUT = path.join(ROOT, 'dist', 'examples');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Same stamp and sources as test/helpers/dist.ts, so both agree on when dist/ is stale. */
const DIST_STAMP = path.join(ROOT, 'dist', '.built');
const DIST_SOURCES = ['lib', 'types', 'tsconfig.build.json', 'package.json'];
const EXAMPLES_STAMP = path.join(OUT, '.built');

function newestMtime(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function olderThan(stamp, sources) {
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return sources.some((s) => newestMtime(s) > built);
}

function tsc(project, what) {
  if (!fs.existsSync(TSC)) fail('TypeScript is missing: run `npm ci` first.');
  process.stderr.write(`rtmp-engine: ${what} (tsc -p ${path.relative(ROOT, project)})\n`);
  const run = spawnSync(process.execPath, [TSC, '-p', project], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) fail(`${what} failed (see above).`);
}

function fail(message) {
  process.stderr.write(`rtmp-engine: ${message}\n`);
  process.exit(1);
}

/** The names of examples/<name>.ts. */
function listExamples() {
  return fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3));
}

function usage(stream) {
  stream.write('usage: npm run example -- <name> [args…]   (what each does: examples/README.md)\n');
  stream.write(`examples: ${listExamples().join(', ')}\n`);
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  usage(process.stdout);
  process.exit(0);
}
if (!listExamples().includes(name)) {
  process.stderr.write(`rtmp-engine: no example named "${name}"\n`);
  usage(process.stderr);
  process.exit(1);
}

const distSources = DIST_SOURCES.map((s) => path.join(ROOT, s));
const distIndex = path.join(ROOT, 'dist', 'lib', 'index.js');
// `npm run build:ts` and scripts/start.sh write no stamp: then dist/lib/index.js says when dist/ was built.
const distBuilt = fs.existsSync(DIST_STAMP) ? DIST_STAMP : distIndex;
const distTypes = path.join(ROOT, 'dist', 'types', 'native.d.ts');
if (!fs.existsSync(distIndex) || !fs.existsSync(distTypes) || olderThan(distBuilt, distSources)) {
  // The project's own build (scripts/build-ts.js): tsc plus the copy of types/*.d.ts that
  // dist/lib's declarations import; without it the examples would type-check against `any`.
  process.stderr.write('rtmp-engine: building dist/ (the SDK the examples import)\n');
  const build = spawnSync(process.execPath, [path.join(__dirname, 'build-ts.js')], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) fail('building dist/ failed (see above).');
  fs.writeFileSync(DIST_STAMP, `${new Date().toISOString()}\n`);
}
if (olderThan(EXAMPLES_STAMP, [EXAMPLES, fs.existsSync(DIST_STAMP) ? DIST_STAMP : distIndex])) {
  tsc(path.join(EXAMPLES, 'tsconfig.json'), 'compiling examples/');
  fs.writeFileSync(EXAMPLES_STAMP, `${new Date().toISOString()}\n`);
}

// The child shares this process group, so Ctrl-C in a terminal reaches it
// directly; a SIGINT that reaches only this process (npm forwards the same
// Ctrl-C) is not passed on, or the example would see two. SIGTERM and SIGHUP
// come from whoever stops this process alone, and are passed on.
const child = spawn(process.execPath, [path.join(OUT, `${name}.js`), ...args], { cwd: process.cwd(), stdio: 'inherit' });
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (signal ? require('os').constants.signals[signal] : 1));
});
