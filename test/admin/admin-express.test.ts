/**
 * createAdminHandler() mounted as Express middleware (docs/http-api.md): the
 * API answers /api/v1, everything else reaches Express's own routes; without
 * the built-in HTTP server and without an authorizer, bans are refused (409)
 * rather than silently not enforced; with an authorizer they are enforced.
 */
import { once } from 'events';
import express from 'express';
import type { Server } from 'http';
import type { AddressInfo } from 'net';

import { type AdminHandler, createAdminHandler } from '../../lib/admin';
import { RtmpServer } from '../../lib/server';
import { fakeFactory } from '../helpers/fake-engine';
import { adminRequest } from './admin-request';

const TOKEN = 'express-token-0123456789';
let http: Server | undefined;
let rtmp: RtmpServer | undefined;
let admin: AdminHandler | undefined;

afterEach(async () => {
  admin?.close();
  if (http) {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http?.close(() => resolve()));
  }
  await rtmp?.close({ graceMs: 0 });
  http = undefined;
  rtmp = undefined;
});

async function start(withAuthorizer: boolean): Promise<number> {
  const { factory } = fakeFactory();
  rtmp = new RtmpServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' }, { createEngine: factory });
  if (withAuthorizer) rtmp.authorize(() => ({ allow: true }));
  await rtmp.listen();
  admin = createAdminHandler(rtmp, { tokens: [TOKEN], envToken: '' });
  const mounted = admin;
  const app = express();
  app.use((req, res, next) => {
    mounted(req, res).then((done) => (done ? undefined : next()), next);
  });
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'express' });
  });
  http = app.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return (http.address() as AddressInfo).port;
}

test('answers /api/v1 and leaves the rest to Express', async () => {
  const port = await start(false);
  const server = await adminRequest(port, 'GET', '/api/v1/server', TOKEN);
  expect(server.status).toBe(200);
  expect(server.body.listeners).toMatchObject({ rtmp: { port: 40000 }, http: null });
  expect((await adminRequest(port, 'GET', '/api/v1/server', null)).status).toBe(401);
  expect((await adminRequest(port, 'GET', '/api/v1/nope', TOKEN)).body.error.code).toBe('not_found');
  expect((await adminRequest(port, 'GET', '/hello', null)).body).toEqual({ hello: 'express' });
});

test('refuses a ban it could not enforce (409), and takes one with an authorizer', async () => {
  let port = await start(false);
  expect(rtmp?.bansEnforced()).toBe(false);
  const refused = await adminRequest(port, 'DELETE', '/api/v1/streams/live/cam?ban=10', TOKEN);
  expect([refused.status, refused.body.error.code]).toEqual([409, 'bans_unavailable']);
  expect(rtmp?.streamBans.list()).toEqual([]);
  admin?.close();
  http?.closeAllConnections();
  await new Promise<void>((resolve) => http?.close(() => resolve()));
  await rtmp?.close({ graceMs: 0 });

  port = await start(true);
  expect(rtmp?.bansEnforced()).toBe(true);
  const banned = await adminRequest(port, 'DELETE', '/api/v1/streams/live/cam?ban=10', TOKEN);
  expect(banned.status).toBe(200);
  expect(rtmp?.streamBans.list().map((b) => b.stream)).toEqual(['live/cam']);
});
