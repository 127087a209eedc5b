/** Writing HLS to a folder (hls.folder): see folder-writer.ts. */
export { attachHlsFolder, HlsFolderWriter, type HlsFolderOptions } from './folder-writer';
export type { HlsFolderCounters } from './stream-folder';
