/** The HTTP admin API (/api/v1): a plain (req, res) handler, its routes and error codes. */
export { createAdminHandler } from './admin-handler';
export type { AdminHandler, AdminHandlerOptions } from './admin-handler';
export { ADMIN_TOKEN_ENV } from './admin-auth';
export { AdminErrorCodes } from './json';
export type { AdminErrorCode } from './json';
export { ADMIN_ROUTES, API_PREFIX } from './routes';
export type { AdminRoute } from './routes';
export { StreamBans } from './stream-bans';
