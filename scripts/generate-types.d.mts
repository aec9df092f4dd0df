/** The text of packages/types/src/openapi.d.ts for a bundle (its URL or the parsed document). */
export function typesSource(bundle: URL | object): Promise<string>;
