#!/usr/bin/env node
// Prints the addon's C++ sources for binding.gyp, read from the native/ folders,
// so the folders are the one source list (CMake globs the same folders).
'use strict';
const fs = require('fs');
const path = require('path');

// Layers compiled into the addon, lowest first. decode/ joins when it has sources
// (it links FFmpeg); binding/ is the N-API surface and exists only here.
const LAYERS = ['base', 'protocol', 'media', 'tls', 'net', 'server', 'hls', 'client', 'decode', 'binding'];

const root = path.join(__dirname, '..');
const files = [];
for (const layer of LAYERS) {
  const dir = path.join(root, 'native', layer);
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.endsWith('.cc')) files.push(`native/${layer}/${name}`);
  }
}
process.stdout.write(files.join(' '));
