/**
 * Child process for test/process-exit.test.ts: brings a server up with live
 * sessions, then leaves in the way argv[2] names. Prints "ready <port>" first.
 */
import { createServer } from '../../lib';
import { loadAddon } from '../../lib/native';
import { toNativeConfig } from '../../lib/native-config';
import { resolveOptions } from '../../lib/options';
import { openHalfHandshake, RtmpTestClient } from './rtmp-test-client';

const mode = process.argv[2];

async function liveSessions(port: number): Promise<void> {
  const publisher = await RtmpTestClient.connect(port, 'live');
  await publisher.publish('cam');
  publisher.sendAacAudio();
  const player = await RtmpTestClient.connect(port, 'live');
  await player.play('cam');
  await openHalfHandshake(port);
}

async function sdkServer() {
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 2 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  return { server, port };
}

async function main(): Promise<void> {
  switch (mode) {
    case 'exit': {
      // process.exit() with streams live: the SDK's 'exit' guard stops the engine.
      const { port } = await sdkServer();
      await liveSessions(port);
      console.log(`ready ${port}`);
      process.exit(0);
    }
    case 'exit-in-listener': {
      // process.exit() from inside an event batch (the thread-safe function callback).
      const { server, port } = await sdkServer();
      server.on('publish', () => {
        console.log('exiting from a listener');
        process.exit(0);
      });
      console.log(`ready ${port}`);
      await liveSessions(port);
      return;
    }
    case 'listener-throws': {
      // A throwing listener surfaces as an uncaught exception (exit code 1), not a crash.
      const { server, port } = await sdkServer();
      server.on('connect', () => {
        throw new Error('listener failure 4711');
      });
      console.log(`ready ${port}`);
      await liveSessions(port);
      return;
    }
    case 'unref': {
      // An unref'd server does not keep the process alive; it ends on its own.
      const { server, port } = await sdkServer();
      server.unref();
      console.log(`ready ${port}`);
      return;
    }
    case 'native-exit':
    case 'native-unref': {
      // The addon used directly, bypassing the SDK's 'exit' guard: the native
      // exit guard (process.exit) or the environment cleanup hook (natural end)
      // has to stop the engine.
      const config = toNativeConfig(resolveOptions({ rtmp: { host: '127.0.0.1', port: 0, ioThreads: 2 }, http: false, logLevel: 'silent' }));
      const engine = new (loadAddon().Engine)(config, () => undefined);
      engine.start();
      const port = engine.boundPort();
      if (mode === 'native-unref') {
        engine.unref();
        console.log(`ready ${port}`);
        return;
      }
      await liveSessions(port);
      console.log(`ready ${port}`);
      process.exit(0);
    }
    default:
      throw new Error(`unknown mode ${String(mode)}`);
  }
}

void main();
