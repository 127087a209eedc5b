/**
 * A misspelled event name is reported on the name, naming the event map, not
 * on the listener as "not assignable to parameter of type 'never'" (what
 * EventEmitter<T>'s own typing says). The @ts-expect-error lines are checked
 * by `tsc -p tsconfig.json --noEmit`; the message by compiling a snippet.
 */
import * as path from 'path';
import * as ts from 'typescript';

import { createServer } from '../lib';

const ROOT = path.resolve(__dirname, '..');

describe('event name typing', () => {
  it('puts the error on a misspelled name', () => {
    const server = createServer({ rtmp: { port: 0 }, http: false, logLevel: 'silent' });
    const listener = (): void => undefined;
    server.on(
      // @ts-expect-error: no event "publsh" (the error must be here, not on the listener)
      'publsh',
      listener,
    );
    server.once(
      // @ts-expect-error: no event "ply"
      'ply',
      listener,
    );
    server.on('publish', (e) => void e.path);
    server.off('publish', listener);
    expect(server.listenerCount('publish')).toBe(1);
  });

  it('names the valid events in the message', () => {
    const file = path.join(ROOT, 'test', '__event-typing-snippet.ts');
    const text = "import { createServer } from '../lib';\ncreateServer().on('publsh', () => undefined);\n";
    const host = ts.createCompilerHost({});
    const read = host.readFile.bind(host);
    host.readFile = (name) => (path.resolve(name) === file ? text : read(name));
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => path.resolve(name) === file || exists(name);
    const options = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, types: ['node'], noEmit: true };
    const program = ts.createProgram([file], options, host);
    const messages = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual([expect.stringMatching(/^Argument of type '"publsh"' is not assignable to parameter of type '(keyof RtmpServerEventMap|RtmpServerEventName)'/)]);
  });
});
