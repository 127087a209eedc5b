#!/usr/bin/env node
// The package's install script. A prebuilt N-API binary that loads on this
// machine (prebuilds/<platform>-<arch>, picked by node-gyp-build the way
// `node-gyp-build-test` does) means nothing to compile; otherwise, or when
// asked (`npm install --build-from-source`, RTMP_ENGINE_BUILD_FROM_SOURCE=1),
// compile with scripts/build-addon.js. Not the bare `node-gyp-build` bin: its
// fallback is `node-gyp rebuild`, which cannot find Node's headers offline
// (build-addon.js passes --nodedir) and deletes build/, where a checkout keeps
// its CMake trees. A git checkout always compiles (its sources may be newer
// than any binary), and so does a package that already has a local build.
// See docs/install.md.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

if (process.env.RTMP_ENGINE_SKIP_BUILD === '1') process.exit(0);

function wantsSource() {
  return (
    process.env.npm_config_build_from_source === 'true' ||
    process.env.RTMP_ENGINE_BUILD_FROM_SOURCE === '1' ||
    fs.existsSync(path.join(root, '.git')) ||
    // Compiled here before (no prebuild fitted, or asked to): `npm rebuild`
    // refreshes that build, which the loader prefers to the prebuild.
    fs.existsSync(path.join(root, 'build', 'Release', 'rtmp_engine.node'))
  );
}

/** The prebuilt binary's path when one fits and loads here (its FFmpeg libraries found), else null. */
function loadablePrebuild() {
  let file;
  try {
    file = require('node-gyp-build').path(root);
  } catch {
    return null;
  }
  // Loaded in a child so a crash or a half-loaded library never stops the install.
  const probe = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], { stdio: 'pipe', timeout: 60_000 });
  if (probe.status === 0) return file;
  const why = String(probe.stderr).split('\n').find((l) => l.startsWith('Error:')) || `exit ${probe.status}`;
  console.error(`rtmp-engine: the prebuilt ${path.relative(root, file)} does not load here (${why}); compiling instead.`);
  return null;
}

if (!wantsSource() && loadablePrebuild()) process.exit(0);
const build = spawnSync(process.execPath, [path.join(__dirname, 'build-addon.js')], { stdio: 'inherit', cwd: root });
process.exit(build.status === null ? 1 : build.status);
