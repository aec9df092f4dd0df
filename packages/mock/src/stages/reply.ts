import type { ServerResponse } from 'node:http';
import { ProblemJsonError } from '@stoplight/prism-http';

/** One rule of the contract a request broke, as Prism reports it in `sl-violations`. */
export interface Violation {
  location: Array<string | number>;
  code: string | number | undefined;
  message: string;
}

/** What the mock answers to one request; every stage that ends a request returns one. */
export interface Reply {
  status: number;
  headers: Record<string, string | number>;
  body: string | undefined;
  violations?: Violation[];
}

type ProblemSource = Error & { status?: number; additional?: { headers?: Record<string, string> } };

/** An `application/problem+json` answer, as Prism's own server writes its errors. */
export function problem(error: ProblemSource): Reply {
  return {
    status: error.status ?? 500,
    headers: { 'Content-Type': 'application/problem+json', ...error.additional?.headers },
    body: JSON.stringify(ProblemJsonError.toProblemJson(error)),
  };
}

/** The same, from one of Prism's templates (`type` is the bare name: Prism prefixes its URL). */
export function problemFrom(template: { type: string; title: string; status: number }, detail: string): Reply {
  return problem(ProblemJsonError.fromTemplate(template, detail));
}

/** The `sl-violations` header, as Prism writes it. */
export function violationsHeader(violations: Violation[]): string {
  return JSON.stringify(violations);
}

export interface ReplyContext {
  /** Headers every answer to this request carries (CORS for cross-origin callers). */
  extraHeaders?: Record<string, string> | undefined;
  /** Close the connection after the answer (the client is still sending a body not read). */
  close?: boolean;
}

/** Writes `reply`. */
export function writeReply(res: ServerResponse, reply: Reply, context: ReplyContext = {}): void {
  const headers: Record<string, string | number> = context.extraHeaders
    ? { ...reply.headers, ...context.extraHeaders }
    : { ...reply.headers };
  if (reply.violations?.length) headers['sl-violations'] = violationsHeader(reply.violations);
  if (context.close) headers.Connection = 'close';
  headers['Content-Length'] = reply.body === undefined ? 0 : Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
