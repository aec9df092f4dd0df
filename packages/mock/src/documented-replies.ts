import {
  documentedResponse,
  exampleNames,
  policyFor,
  takesJsonBody,
  type ExampleRef,
  type Operation,
} from './contract.js';
import { maxBodyBytes } from './stages/body.js';
import { problemFrom, type Reply } from './stages/reply.js';

/** The answers the front layer gives instead of Prism, by operation. */
export interface DocumentedReplies {
  /** The contract's response `ref` of `operation`. */
  get(operation: Operation, ref: ExampleRef): Reply;
  /** The answer to a body over maxBodyBytes. */
  tooLarge(operation: Operation): Reply;
}

const payloadTooLarge = problemFrom(
  { type: 'PAYLOAD_TOO_LARGE', title: 'Request body too large', status: 413 },
  `The request body exceeds ${maxBodyBytes} bytes.`,
);

/**
 * Takes every answer the front layer gives instead of Prism from the contract up front, so a
 * contract change that drops one fails at start and not on some later request.
 */
export function prepareDocumentedReplies(operations: Operation[]): DocumentedReplies {
  const byOperation = new Map<Operation, Map<string, Reply>>();
  const tooLarge = new Map<Operation, Reply>();
  for (const operation of operations) {
    const policy = policyFor(operation);
    if (!policy)
      throw new Error(
        `${operation.method.toUpperCase()} ${operation.path}: no API dialect of the contract (x-api-dialects) claims this path`,
      );
    if (takesJsonBody(operation) && !policy.invalidRequest)
      throw new Error(`${operation.iid}: takes a body but ${policy.name} has no error for an invalid one`);
    const replies = new Map<string, Reply>();
    for (const ref of [policy.missingToken, policy.invalidPathParameter, policy.invalidRequest]) {
      if (ref) replies.set(`${ref.status}/${ref.example}`, documentedResponse(operation, ref));
    }
    byOperation.set(operation, replies);
    // An oversized body is an invalid request: the API's own answer to one, else what the
    // operation documents for 400 (its first example, as Prism picks), else a 413 problem.
    const firstBadRequest = exampleNames(operation, 400)[0];
    tooLarge.set(
      operation,
      policy.invalidRequest
        ? replies.get(`${policy.invalidRequest.status}/${policy.invalidRequest.example}`)!
        : firstBadRequest
          ? documentedResponse(operation, { status: 400, example: firstBadRequest })
          : payloadTooLarge,
    );
  }
  return {
    get: (operation, ref) => byOperation.get(operation)!.get(`${ref.status}/${ref.example}`)!,
    tooLarge: (operation) => tooLarge.get(operation)!,
  };
}
