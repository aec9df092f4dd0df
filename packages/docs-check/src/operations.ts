// What a reader of the docs must see for each operation of a bundle, derived from the spec
// package's operation list: the browser check looks for exactly these.
import { httpMethods, listOperations, type OpenApiDocument } from '@org-membership-api/spec';

export interface DocsOperation {
  operationId: string;
  method: string; // upper case, e.g. PUT
  path: string;
  summary: string;
  tag: string | undefined;
  /** `deprecated: true` in the contract: the page must show Redoc's Deprecated badge. */
  deprecated: boolean;
  /** Values from the operation's published examples (path parameters and the first request example). */
  exampleValues: string[];
  /** Per response status, the titles of its named examples (what the example picker lists). */
  responseExamples: Array<{ status: string; titles: string[]; firstValues: string[] }>;
}

// A long value (a token) is looked for by its start: Redoc breaks such strings for display.
const shownPrefix = 80;

function scalarLeaves(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value.slice(0, shownPrefix));
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const item of value) scalarLeaves(item, out);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) scalarLeaves(item, out);
}

/** Every operation of the bundle with the example values and example titles the page must show. */
export function pageExpectations(document: OpenApiDocument): DocsOperation[] {
  return listOperations(document).map((operation) => {
    const exampleValues: string[] = [];
    for (const parameter of operation.parameters)
      if (parameter.in === 'path' && parameter.example !== undefined) scalarLeaves(parameter.example, exampleValues);
    const requestMedia = operation.requestBody?.content[0];
    if (requestMedia) scalarLeaves(requestMedia.examples[0]?.value, exampleValues);
    const responseExamples: DocsOperation['responseExamples'] = [];
    for (const response of operation.responses) {
      const media = response.content[0];
      if (!media || media.examples.length === 0) continue;
      const firstValues: string[] = [];
      scalarLeaves(media.examples[0]!.value, firstValues);
      responseExamples.push({
        status: response.status,
        titles: media.examples.map((example) => example.summary ?? example.name),
        firstValues,
      });
    }
    return {
      operationId: operation.operationId,
      method: operation.method,
      path: operation.path,
      summary: operation.summary,
      tag: operation.tags[0],
      deprecated: operation.deprecated,
      exampleValues,
      responseExamples,
    };
  });
}

/** A copy of the bundle without one operation (for proving the browser check notices). */
export function withoutOperation(document: OpenApiDocument, operationId: string): OpenApiDocument {
  const copy = structuredClone(document);
  for (const item of Object.values(copy.paths))
    for (const method of httpMethods) if (item[method]?.operationId === operationId) delete item[method];
  return copy;
}
