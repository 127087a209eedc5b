// Lets plain Node (child processes, worker_threads) load the TypeScript
// sources directly: `node -r ./test/helpers/register-ts.js lib/cli.ts`.
// Transpile only (no type check; tsc does that), CommonJS like tsconfig.json.
'use strict';
const fs = require('fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
