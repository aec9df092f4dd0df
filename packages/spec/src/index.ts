// @org-membership-api/spec: the contract's paths, its bundle and what the workspace reads
// from it. The build itself (lint, bundle, generate, docs) is the `./build` export.
export { repoRoot, contractPaths, paths, buildInputs, buildOutputs, type ContractPaths } from './paths.js';
export { deref, resolvePointer } from './deref.cjs';
export {
  loadDocument,
  httpMethods,
  type HttpMethod,
  type OpenApiDocument,
  type OperationObject,
  type PathItemObject,
  type ParameterObject,
  type RequestBodyObject,
  type ResponseObject,
  type HeaderObject,
  type MediaTypeObject,
  type ExampleObject,
  type ServerObject,
  type SecurityRequirement,
  type Schema,
  type MaybeRef,
  type Reference,
} from './document.js';
export {
  listOperations,
  responseFor,
  jsonContent,
  exampleValue,
  successStatuses,
  exampleRequest,
  type ContractOperation,
  type DocumentedResponse,
  type DocumentedContent,
  type DocumentedHeader,
  type NamedExample,
  type ExampleRequest,
} from './operations.js';
export {
  readApiDialects,
  errorsForPath,
  errorsForOperation,
  operationErrorsExtension,
  sourceApiDialects,
  dialectForPath,
  dialectById,
  errorKinds,
  dialectsExtension,
  type ApiDialect,
  type DialectErrors,
  type ErrorKind,
  type ErrorExampleRef,
  type OperationTraits,
} from './dialects.js';
