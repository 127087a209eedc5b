/** The watch page: the list of live streams and an hls.js / dash.js player. */
export { createPageHandler } from './page-handler';
export { escapeHtml } from './html';
export type { PageHandler, PageHandlerOptions, StreamSummary } from './types';
export { listHlsStreams, summarizeView } from './from-hls-store';
export type { SummarizableStore, SummarizableView } from './from-hls-store';
