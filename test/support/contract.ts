// The bundle as the tests of the contract read it: each operation's object as the bundle
// holds it (references unresolved, extensions kept), from the spec package's list.
import {
  listOperations,
  loadDocument,
  paths,
  type MediaTypeObject,
  type OpenApiDocument,
  type OperationObject,
  type ResponseObject,
} from '@org-membership-api/spec';

export { deref } from '@org-membership-api/spec';
export type { OpenApiDocument, MediaTypeObject as MediaType, ResponseObject as Response };

export const repoRoot = paths.root;

/** The bundled contract (`pnpm check` runs before the tests). */
export const loadBundle = (): OpenApiDocument => loadDocument();

export type Operation = OperationObject & { method: string; path: string; operationId: string; summary: string };

export function operations(doc: OpenApiDocument): Operation[] {
  return listOperations(doc).map(({ object, method, path, operationId, summary }) => ({
    ...object,
    method,
    path,
    operationId,
    summary,
  }));
}
