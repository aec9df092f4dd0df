export interface BundleSize {
  /** Bytes of the minified bundle. */
  minified: number;
  /** Bytes of the minified bundle after gzip -9. */
  gzipped: number;
}

export function measureSize(): Promise<{
  client: BundleSize;
  openapiFetch: BundleSize;
  openapiFetchCreateClient: BundleSize;
  addedGzipped: number;
}>;
