/**
 * The package as a user gets it: `npm pack`, install the tarball into a fresh
 * app in os.tmpdir(), type-check a strict consumer (`strict`, `skipLibCheck:
 * false`) that imports every public export, then run it: require the package
 * and start/stop a server on 127.0.0.1 with the prebuilt addon.
 *
 * The steps of `prepack` run first, under the dist/ build lock other suites
 * share (test/helpers/dist.ts), and `npm pack --ignore-scripts` then packs
 * them: a prepack inside npm pack would rewrite dist/ while parallel suites
 * read it. scripts/prebuild.js reuses the up-to-date build/Release binary
 * (one incremental build-addon.js run, no recompilation when it is current).
 */
import { spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

import { ensureDist } from './helpers/dist';

const ROOT = path.resolve(__dirname, '..');
const CONSUMER = path.join(__dirname, 'pack-consumer', 'consumer.ts');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

function run(cmd: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, CI: 'true', ...env } });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${result.error?.message ?? `exit ${result.status}`}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

let exportsCache: string[] | undefined;

/** Names lib/index.ts exports (values and types), as the compiler sees them. */
function publicExports(): string[] {
  if (exportsCache) return exportsCache;
  const entry = path.join(ROOT, 'lib', 'index.ts');
  const program = ts.createProgram([entry], { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, types: ['node'], esModuleInterop: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry) as ts.SourceFile) as ts.Symbol;
  exportsCache = checker.getExportsOfModule(module).map((s) => s.name).sort();
  return exportsCache;
}

/** Names the consumer imports from 'rtmp-engine'. */
function consumerImports(): string[] {
  const source = ts.createSourceFile(CONSUMER, fs.readFileSync(CONSUMER, 'utf8'), ts.ScriptTarget.ES2022);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || (statement.moduleSpecifier as ts.StringLiteral).text !== 'rtmp-engine') continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name.text));
  }
  return names.sort();
}

describe('npm pack → install → strict consumer', () => {
  let work = '';
  let tarball = '';
  let files: string[] = [];

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmp-engine-pack-'));
    ensureDist();
    run(process.execPath, [path.join(ROOT, 'scripts', 'prebuild.js')], ROOT, 20 * 60_000);
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT, 5 * 60_000);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string; size: number; files: { path: string }[] }];
    tarball = path.join(work, info.filename);
    files = info.files.map((f) => f.path);
    console.log(`rtmp-engine pack: ${info.filename}, ${info.size} bytes, ${files.length} files`);
  }, 30 * 60_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the license, docs, examples, typings and the prebuilt addon, and no tests or build output', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/types/native.d.ts', 'docs/api.md', 'docs/install.md', 'binding.gyp', 'scripts/install.js']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => f.startsWith('examples/') && f.endsWith('.ts'))).toBe(true);
    if (linuxX64) expect(files.filter((f) => /^prebuilds\/linux-x64\/[^/]+\.node$/.test(f))).toHaveLength(1);
    const junk = files.filter((f) =>
      /^(test|fuzz|bench|build|build-native|coverage|node_modules|\.ci)\//.test(f) ||
      /\.test\.(ts|js)$|\.o$|\.log$|^dist\/\.built$|^scripts\/(test|setup|start|check-layout|test-native)\.sh$/.test(f),
    );
    expect(junk).toEqual([]);
  });

  it('has no tsconfig that extends a file left out of the package', () => {
    const dangling: string[] = [];
    for (const f of files.filter((name) => path.basename(name) === 'tsconfig.json')) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      const base = (ts.parseConfigFileTextToJson(f, text).config as { extends?: string }).extends;
      if (base === undefined) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), base));
      if (!files.includes(target)) dangling.push(`${f} extends ${target}`);
    }
    expect(dangling).toEqual([]);
  });

  it('imports every public export of lib/index.ts in the consumer', () => {
    expect(consumerImports()).toEqual(publicExports());
  });

  it('exports the type of every ServerOptions section', () => {
    const entry = path.join(ROOT, 'lib', 'options', 'index.ts');
    const source = ts.createSourceFile(entry, fs.readFileSync(entry, 'utf8'), ts.ScriptTarget.ES2022);
    const sections: string[] = [];
    source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'ServerOptions') return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const types = ts.isUnionTypeNode(member.type) ? member.type.types : [member.type];
        for (const t of types) if (ts.isTypeReferenceNode(t)) sections.push(t.typeName.getText(source));
      }
    });
    expect(sections).toEqual(expect.arrayContaining(['RtmpOptions', 'RtmpsOptions', 'AuthOptions', 'HttpOptions']));
    const exported = publicExports();
    expect(sections.filter((s) => !exported.includes(s))).toEqual([]);
  });

  it('installs into a fresh app, type-checks strictly and runs', () => {
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-consumer-app', version: '1.0.0', private: true }));
    const typesNode = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')) as { version: string }).version;
    const started = process.hrtime.bigint();
    run('npm', ['install', tarball, `@types/node@${typesNode}`, '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'], app, 10 * 60_000);
    console.log(`rtmp-engine pack: npm install took ${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms`);
    const installed = path.join(app, 'node_modules', 'rtmp-engine');
    // The prebuilt binary fitted: nothing was compiled.
    if (linuxX64) expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);

    fs.copyFileSync(CONSUMER, path.join(app, 'consumer.ts'));
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        strict: true,
        skipLibCheck: false,
        esModuleInterop: true,
        types: ['node'],
        outDir: 'out',
      },
      files: ['consumer.ts'],
    };
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    run(process.execPath, [TSC, '-p', 'tsconfig.json'], app, 5 * 60_000);

    const out = run(process.execPath, [path.join(app, 'out', 'consumer.js')], app, 60_000);
    const report = JSON.parse(out.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
    expect(report).toMatchObject({ engine: expect.any(String), sessions: 0, code: 'ERR_RTMP_ADDON_LOAD', typed: true });
    expect(report.port).toBeGreaterThan(0);
    expect(report.values).toBeGreaterThan(10);
  }, 20 * 60_000);

  // The fallback where no prebuilt binary fits (another platform, or asked for): the install
  // script compiles with scripts/build-addon.js, and the loader prefers that build. The same
  // command the missing-addon error suggests, in the app the previous test installed.
  it('compiles from source when asked (npm rebuild rtmp-engine) and loads that build', () => {
    const app = path.join(work, 'app');
    const installed = path.join(app, 'node_modules', 'rtmp-engine');
    expect(fs.existsSync(path.join(installed, 'package.json'))).toBe(true);
    const started = process.hrtime.bigint();
    run('npm', ['rebuild', 'rtmp-engine', '--foreground-scripts'], app, 20 * 60_000, { RTMP_ENGINE_BUILD_FROM_SOURCE: '1' });
    console.log(`rtmp-engine pack: compiling from source took ${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms`);
    const built = path.join(installed, 'build', 'Release', 'rtmp_engine.node');
    expect(fs.existsSync(built)).toBe(true);
    const probe =
      "const e = require('rtmp-engine'); const version = e.engineVersion();" +
      "console.log(JSON.stringify({ version, loaded: Object.keys(require.cache).filter((k) => k.endsWith('.node')) }));";
    const out = run(process.execPath, ['-e', probe], app, 60_000);
    const report = JSON.parse(out.stdout.trim().split('\n').pop() as string) as { version: string; loaded: string[] };
    expect(report.version).toEqual(expect.any(String));
    expect(report.loaded.map((f) => fs.realpathSync(f))).toEqual([fs.realpathSync(built)]);
  }, 25 * 60_000);
});
