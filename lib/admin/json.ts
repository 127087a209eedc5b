/**
 * JSON answers of the admin API: bodies are never cached, errors keep the
 * shape of every other HTTP answer (`{ error: { code, message } }`, see
 * ../http/responses.ts) with codes that are part of the API (docs/http-api.md).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'http';

import { sendError } from '../http/responses';

/** Stable `error.code` values of the admin API. */
export const AdminErrorCodes = {
  /** No `Authorization: Bearer …` header (401). */
  TOKEN_REQUIRED: 'token_required',
  /** A bearer token that is not one of the configured ones (401). */
  TOKEN_INVALID: 'token_invalid',
  /** No token is configured and the client is not on loopback (403). */
  LOOPBACK_ONLY: 'loopback_only',
  BAD_REQUEST: 'bad_request',
  NOT_FOUND: 'not_found',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  /** `?ban=` on a server whose publishes do not pass the admin ban check (409). */
  BANS_UNAVAILABLE: 'bans_unavailable',
  /** The server is not listening (503). */
  UNAVAILABLE: 'unavailable',
} as const;

export type AdminErrorCode = (typeof AdminErrorCodes)[keyof typeof AdminErrorCodes];

/** A failure a route reports by throwing; the handler turns it into the JSON error. */
export class AdminHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: AdminErrorCode,
    message: string,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** An image answer (thumbnails): the bytes with their type and how long a client may keep them. */
export function sendImage(
  req: IncomingMessage,
  res: ServerResponse,
  image: { contentType: string; data: Buffer; cacheControl: string },
): void {
  res.writeHead(200, {
    'Content-Type': image.contentType,
    'Cache-Control': image.cacheControl,
    'Content-Length': image.data.length,
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : image.data);
}

export function sendAdminError(req: IncomingMessage, res: ServerResponse, error: AdminHttpError): void {
  sendError(req, res, error.status, error.code, error.message, error.headers);
}
