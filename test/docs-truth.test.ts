/**
 * What README.md, docs/*.md and examples/README.md name must exist: files of
 * this repository, `npm run` scripts, RTMP_ENGINE_* environment variables,
 * flags of the CLI where a CLI command line uses them, and admin API paths.
 * (Links: docs-links.test.ts; TypeScript blocks: docs-snippets.test.ts;
 * option tables: config-docs.test.ts.)
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import { ADMIN_ROUTES, API_PREFIX } from '../lib/admin';

const ROOT = join(__dirname, '..');

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', join('examples', 'README.md'), ...docs].filter((f) => existsSync(join(ROOT, f)));
}

interface Mention {
  where: string;
  text: string;
}

/** Each line of a file, with its place. */
function lines(file: string): Mention[] {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .map((text, i) => ({ where: `${file}:${i + 1}`, text }));
}

const all = markdownFiles().flatMap(lines);

function sourceText(folder: string): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(ts|js|sh|cc|h)$/.test(entry.name)) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(join(ROOT, folder));
  return out.join('\n');
}

/** Repository paths the docs name as code (`lib/…`, scripts/…): they must exist. */
const REPO_PATH = /(?<![\w/.-])((?:lib|native|scripts|bench|test|docs|examples|types|fuzz)\/[\w./-]*)/g;

describe('README and docs name only what exists', () => {
  it('repository paths', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const { where, text } of all) {
      for (const m of text.matchAll(REPO_PATH)) {
        const raw = m[1]!;
        const rest = text.slice(m.index! + raw.length);
        // Placeholders and patterns (`<name>`, `*`, `{app}`, `…`) are not paths.
        if (/^[<*{…]/.test(rest)) continue;
        const path = raw.replace(/[.,:;]+$/, '');
        checked++;
        if (!existsSync(join(ROOT, path))) missing.push(`${where}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('npm run scripts', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts);
    const missing = all.flatMap(({ where, text }) =>
      [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!).filter((s) => !scripts.includes(s)).map((s) => `${where}: npm run ${s}`),
    );
    expect(missing).toEqual([]);
  });

  it('RTMP_ENGINE_* environment variables', () => {
    const code = [sourceText('lib'), sourceText('scripts'), sourceText('native')].join('\n');
    const missing = all.flatMap(({ where, text }) =>
      [...text.matchAll(/\bRTMP_ENGINE_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]).filter((v) => !code.includes(v)).map((v) => `${where}: ${v}`),
    );
    expect(missing).toEqual([]);
  });

  it('flags on a CLI command line', () => {
    // lib/cli.ts today; all of lib/ so that flags may move to a module of their own.
    const cli = sourceText('lib');
    const missing: string[] = [];
    let checked = 0;
    for (const { where, text } of all) {
      // Only the part of the line that is a command of ours: from the command to the end of its code span.
      for (const m of text.matchAll(/(?:\brtmp-engine |dist\/lib\/cli\.js|scripts\/start\.sh)([^`]*)/g)) {
        const args = m[1]!.split(/\s(?:&&|\||;)\s/)[0]!;
        for (const flag of args.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) {
          checked++;
          if (!new RegExp(`['\\s]${flag[0]}[\\s'<]`).test(cli)) missing.push(`${where}: ${flag[0]}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(3);
  });

  it('admin API paths', () => {
    const templates = ADMIN_ROUTES.map((r) => new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`));
    const known = (path: string): boolean =>
      path === API_PREFIX || path === `${API_PREFIX}/ws` || templates.some((t) => t.test(path));
    const named = all.flatMap(({ where, text }) =>
      [...text.matchAll(/\/api\/v1(?:\/[\w.{}…-]+)*/g)].map((m) => ({ where, path: m[0].replace(/\/$/, '') })),
    );
    expect(named.filter((n) => !n.path.includes('…') && !known(n.path)).map((n) => `${n.where}: ${n.path}`)).toEqual([]);
    expect(named.length).toBeGreaterThan(5);
    expect(known(`${API_PREFIX}/nope`)).toBe(false);
  });
});

describe('docs/api.md and RtmpServer', () => {
  const api = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
  const source = readFileSync(join(ROOT, 'lib', 'server.ts'), 'utf8').split('\n');
  /** Methods of the class that are neither private nor marked @internal. */
  const publicMethods = source
    .map((line, i) => ({ m: /^ {2}(?:public |async )*([a-z]\w*)(?:<[^>]*>)?\(/.exec(line), before: source[i - 1] ?? '' }))
    .filter(({ m, before }) => m && m[1] !== 'constructor' && !before.includes('@internal'))
    .map(({ m }) => m![1]!);

  it('names every public method', () => {
    expect(publicMethods.length).toBeGreaterThan(20);
    expect(publicMethods.filter((name) => !api.includes(`\`${name}(`) && !api.includes(` ${name}(`))).toEqual([]);
  });

  it('heads sections only with methods the server has', () => {
    const section = api.slice(api.indexOf('## `RtmpServer`'), api.indexOf('\n## Events'));
    const named = [...section.matchAll(/^### (.*)$/gm)].flatMap((h) => [...h[1]!.matchAll(/`(\w+)(?:\(|`|:)/g)].map((m) => m[1]!));
    const members = new Set([...publicMethods, 'streamBans', 'options']);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((n) => !members.has(n))).toEqual([]);
  });

  it('lists every event of RtmpServerEventMap in the events table, and no other', () => {
    const events = readFileSync(join(ROOT, 'lib', 'events.ts'), 'utf8');
    const map = events.slice(events.indexOf('export interface RtmpServerEventMap'));
    const names = [...map.slice(0, map.indexOf('}')).matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]!).sort();
    const table = api.slice(api.indexOf('| event | extra fields | when |'));
    const rows = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!).sort();
    expect(names.length).toBeGreaterThan(5);
    expect(rows).toEqual(names);
  });
});

describe('docs/api.md and the package exports', () => {
  it('its Exports paragraph names every value the package exports', () => {
    const exported = Object.keys(require('../lib') as object);
    const api = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
    const paragraph = api.slice(api.indexOf('Exports:'), api.indexOf('\n\n', api.indexOf('Exports:')));
    expect(exported.length).toBeGreaterThan(20);
    expect(exported.filter((name) => !new RegExp(`\`${name}[\`(]`).test(paragraph))).toEqual([]);
  });
});
