export interface BundleSize {
  /** Bytes of the minified bundle. */
  minified: number;
  /** Bytes of the minified bundle after gzip -9. */
  gzipped: number;
}

export function measureSize(): Promise<{
  client: BundleSize;
  /** The package with openapi-fetch left out of the bundle. */
  ownCode: BundleSize;
  openapiFetch: BundleSize;
  openapiFetchCreateClient: BundleSize;
  addedGzipped: number;
}>;
