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

/** Whatever the value, only printable ASCII (and tab) goes into a header: nothing can break `writeHead`. */
const safeHeaderText = /^[\t\x20-\x7e]*$/;

const isLoneSurrogate = (char: string) => char.length === 1 && char >= '\ud800' && char <= '\udfff';

/** Percent-encodes what a header value cannot carry (non-ASCII as UTF-8, control characters). */
export function headerValue(value: string | number): string | number {
  if (typeof value === 'number' || safeHeaderText.test(value)) return value;
  // A lone surrogate has no UTF-8 form: it goes as U+FFFD, the character decoders put in its place.
  return value.replace(/[^\t\x20-\x7e]/gu, (char) => (isLoneSurrogate(char) ? '%EF%BF%BD' : encodeURIComponent(char)));
}

/** Longest text of one violation (message or location part) echoed back: a key may be 64 KiB long. */
const maxViolationText = 200;
/** Violations listed in the header at most. */
const maxViolations = 10;

const clip = (text: string) => (text.length > maxViolationText ? `${text.slice(0, maxViolationText)}…` : text);

/**
 * The `sl-violations` header: JSON whose non-ASCII characters are `\u` escapes, so it stays
 * valid JSON in a header whatever the request's field names were, and bounded in size.
 */
export function violationsHeader(violations: Violation[]): string {
  const listed = violations.slice(0, maxViolations).map((v) => ({
    location: v.location.map((part) => (typeof part === 'string' ? clip(part) : part)),
    code: v.code,
    message: clip(v.message),
  }));
  return JSON.stringify(listed).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export interface ReplyContext {
  /** Headers every answer to this request carries (CORS for cross-origin callers). */
  extraHeaders?: Record<string, string> | undefined;
  /** Close the connection after the answer (the client is still sending a body not read). */
  close?: boolean;
}

const internalError = JSON.stringify({
  type: 'https://stoplight.io/prism/errors#UNKNOWN',
  title: 'The mock could not write its answer',
  status: 500,
  detail: '',
});

/**
 * Writes `reply`. Header values are made safe first; should writing still fail, the request
 * gets a plain problem+json 500 (or, once headers are out, its connection closed) and the
 * process goes on serving others.
 */
export function writeReply(res: ServerResponse, reply: Reply, context: ReplyContext = {}): void {
  const headers: Record<string, string | number> = {};
  for (const name in reply.headers) headers[name] = headerValue(reply.headers[name]!);
  if (context.extraHeaders)
    for (const name in context.extraHeaders) headers[name] = headerValue(context.extraHeaders[name]!);
  if (reply.violations?.length) headers['sl-violations'] = violationsHeader(reply.violations);
  if (context.close) headers.Connection = 'close';
  headers['Content-Length'] = reply.body === undefined ? 0 : Buffer.byteLength(reply.body);
  try {
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  } catch {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, {
      'Content-Type': 'application/problem+json',
      'Content-Length': Buffer.byteLength(internalError),
    });
    res.end(internalError);
  }
}
