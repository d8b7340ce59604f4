// The module demo/vite-plugin.ts generates at build time.
declare module 'virtual:ocr-models' {
  /** A file the demo loads: its URL relative to the page, its size in bytes and its SRI digest. */
  export interface ModelFile {
    readonly url: string;
    readonly bytes: number;
    readonly integrity: string;
  }
  export const OCR_MODELS: Readonly<Record<'detection' | 'direction' | 'recognition' | 'dictionary', ModelFile>>;
}
