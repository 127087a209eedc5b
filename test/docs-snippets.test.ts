/**
 * Every ```ts block of README.md and docs/*.md type-checks against the SDK's
 * source, so an option, method, event field or export renamed in lib/ fails
 * here until the docs follow. Blocks are fragments: each is checked as its own
 * module, with top-level await allowed, `createServer` and `server` in scope
 * when the block does not import them, and the stand-ins for the reader's own
 * code (`db`, `lookUpStreamKey`, …) declared as `any` in one prelude. Only
 * "cannot find name" for such a stand-in is ever excused, by listing it there.
 */
import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');
const SNIPPETS = join(ROOT, '.doc-snippets');
const PRELUDE = join(SNIPPETS, 'prelude.d.ts');

/** What the blocks assume from their surroundings. */
const PRELUDE_TEXT = `
declare const createServer: typeof import('rtmp-engine').createServer;
declare const server: import('rtmp-engine').RtmpServer;
type CodecInfo = import('rtmp-engine').CodecInfo;
type IngestDrops = import('rtmp-engine').IngestDrops;
type IngestDropReason = import('rtmp-engine').IngestDropReason;
// The reader's own code and data.
declare const db: any, req: any, currentSecret: string, previousSecret: string, myRegistry: any;
declare const fs: typeof import('fs');
declare function lookUpStreamKey(name: string): Promise<string | undefined>;
declare function analyse(...args: unknown[]): void;
declare function sendToRenderer(...args: unknown[]): void;
declare function isSubscriber(...args: unknown[]): boolean | Promise<boolean>;
`;

interface Snippet {
  source: string;
  line: number;
  file: string;
  text: string;
}

function snippets(): Snippet[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  const found: Snippet[] = [];
  for (const source of ['README.md', ...docs]) {
    const lines = readFileSync(join(ROOT, source), 'utf8').split('\n');
    let block: string[] | undefined;
    let start = 0;
    lines.forEach((line, i) => {
      if (block === undefined && /^```ts\s*$/.test(line)) {
        block = [];
        start = i + 2;
      } else if (block !== undefined && /^```/.test(line)) {
        const file = join(SNIPPETS, `${source.replace(/[^\w]/g, '_')}_${start}.ts`);
        found.push({ source, line: start, file, text: `${block.join('\n')}\nexport {};\n` });
        block = undefined;
      } else if (block !== undefined) {
        block.push(line);
      }
    });
  }
  return found;
}

const SECTIONS = ['rtmp', 'rtmps', 'streams', 'players', 'limits', 'access', 'auth', 'frames', 'http', 'hls', 'admin', 'metrics'];

function optionMention(source: string, line: number, column: number, section: string, key: string): Snippet {
  const type = `NonNullable<Exclude<import('rtmp-engine').ServerOptions['${section}'], boolean>>`;
  return {
    source,
    line,
    file: join(SNIPPETS, `${source.replace(/[^\w]/g, '_')}_option_${line}_${column}.ts`),
    text: `export type Mentioned = Pick<${type}, '${key}'>;\n`,
  };
}

/**
 * Options named in prose as `section.key` (`hls.folder`, `limits.maxPublishers`):
 * one line each, `Pick` of that key from the section's option type, so a key
 * that does not exist fails to compile at its doc line.
 */
function optionMentions(): Snippet[] {
  const found: Snippet[] = [];
  // http-api.md names fields of API answers (`players.rtmp`), checked against openapi.json instead.
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'http-api.md').map((f) => join('docs', f))];
  for (const source of files) {
    readFileSync(join(ROOT, source), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(new RegExp(`\`(${SECTIONS.join('|')})\\.([a-z]\\w*)(?![\\w(])`, 'g'))) {
          if (['ts', 'js', 'json', 'md'].includes(m[2]!)) continue; // a file: `rtmp.ts`
          found.push(optionMention(source, i + 1, m.index!, m[1]!, m[2]!));
        }
      });
  }
  return found;
}

function typeCheck(blocks: Snippet[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.json did not parse');
  // ES2022 modules for top-level await; 'rtmp-engine' maps to lib/ through the tsconfig paths.
  const options: ts.CompilerOptions = { ...config.options, module: ts.ModuleKind.ES2022, noEmit: true, isolatedModules: false };
  const virtual = new Map<string, string>(blocks.map((b) => [b.file, b.text]));
  virtual.set(PRELUDE, PRELUDE_TEXT);
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, language) : readSource(name, language, ...rest);
  };
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || exists(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const where = new Map(blocks.map((b) => [b.file, b]));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && (where.has(d.file.fileName) || d.file.fileName === PRELUDE))
    .map((d) => {
      const block = where.get(d.file!.fileName);
      const at = d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line;
      const place = block ? `${block.source}:${block.line + at}` : relative(ROOT, PRELUDE);
      return `${place}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}

describe('the TypeScript blocks of README and docs', () => {
  const blocks = snippets();
  const options = optionMentions();
  // A block that must fail, checked in the same program (one type-check of lib/ for both).
  const bad: Snippet = {
    source: 'bad.md',
    line: 1,
    file: join(SNIPPETS, 'bad.ts'),
    text: "createServer({ rtmp: { prot: 1935 } });\nserver.on('publish', (e) => e.nope);\nexport {};\n",
  };
  let errors: string[] = [];

  beforeAll(() => {
    errors = typeCheck([...blocks, ...options, bad, optionMention('bad.md', 3, 0, 'hls', 'folderr')]);
  }, 120_000);

  it('are found (README has its two)', () => {
    expect(blocks.filter((b) => b.source === 'README.md').length).toBeGreaterThanOrEqual(2);
    expect(blocks.length).toBeGreaterThan(10);
  });

  it('type-check against lib/', () => {
    expect(errors.filter((e) => !e.startsWith('bad.md:'))).toEqual([]);
  });

  it('options named as `section.key` in prose exist', () => {
    expect(options.length).toBeGreaterThan(20);
    // (their errors, if any, are among those of the previous test, at their doc line)
  });

  it('a block that names an option or event field that does not exist fails', () => {
    const own = errors.filter((e) => e.startsWith('bad.md:')).join('\n');
    expect(own).toMatch(/bad\.md:1: TS2353/);
    expect(own).toMatch(/bad\.md:2: TS2339/);
    expect(own).toMatch(/bad\.md:3: TS2344 .*folderr/);
  });
});
