import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiDialect } from '@org-membership-api/spec';
import { randomUUID } from 'node:crypto';
import { cfErrors } from './cloud-controller.js';
import {
  JSON_CONTENT_TYPE,
  bodyFailures,
  apiDialectOf,
  isCloudController,
  memberRequestId,
  targetUrl,
  vcapRequestId,
} from './http.js';
import { memberErrors } from './members.js';

// What Node's HTTP server leaves to the application at the connection level: answers to
// malformed HTTP (after every request read before it has its own answer), CONNECT, and a
// lingering close so that a client still sending reads the answer instead of a reset.

interface ConnectionState {
  /** Answers to requests read on this connection that are not finished yet. */
  open: Set<ServerResponse>;
  /** The last request whose head was read. */
  last: IncomingMessage | undefined;
  /** The parser failed: the connection is answered once and then closed. */
  failed: boolean;
  /** Runs once every open answer is finished. */
  afterOpenAnswers: (() => void) | undefined;
}

export interface ConnectionGuardOptions {
  /** How long a closing connection is still read (and what arrives dropped). */
  lingerMs: number;
  /** The methods a path serves (the Allow header of a 405). */
  allowedMethods: (path: string) => string;
}

function rawErrorAnswer(
  status: 400 | 405,
  dialect: ApiDialect,
  requestId: string,
  body: { cloudController: object; members: object },
  extraHeaders: Record<string, string> = {},
): string {
  const text = JSON.stringify(isCloudController(dialect) ? body.cloudController : body.members);
  const headers = {
    [dialect.requestIdHeader]: requestId,
    'X-Content-Type-Options': 'nosniff',
    ...extraHeaders,
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(text)),
    Connection: 'close',
  };
  const reason = status === 400 ? 'Bad Request' : 'Method Not Allowed';
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${reason}\r\n${head}\r\n${text}`;
}

/**
 * The request line of the message that failed to parse, if it is in `rawPacket` before the
 * failure: the last request line whose head had not ended by then (bytes of an earlier,
 * complete request in the same packet belong to that request).
 */
export function failedRequestTarget(
  rawPacket: Buffer | undefined,
  bytesParsed: number | undefined,
): string | undefined {
  if (!rawPacket) return undefined;
  const parsed = rawPacket.subarray(0, bytesParsed ?? rawPacket.length).toString('latin1');
  let target: string | undefined;
  let headEnded = false;
  for (const match of parsed.matchAll(/(?:^|\n)[A-Z]+ (\S+) HTTP\/\d/g)) {
    target = match[1];
    headEnded = parsed.includes('\r\n\r\n', match.index);
  }
  return headEnded ? undefined : target;
}

/** The 400 for a request Node could not parse; in Cloud Controller's shape if its target is a Cloud Controller path. */
export function malformedRequestAnswer(target: string | undefined): string {
  const cf = cfErrors.messageParseError('malformed HTTP request');
  const member = memberErrors.malformedRequest();
  return rawErrorAnswer(400, apiDialectOf(targetUrl(target)?.pathname ?? ''), randomUUID(), {
    cloudController: { description: cf.description, error_code: `CF-${cf.name}`, code: cf.code },
    members: { code: member.code, message: member.message },
  });
}

export interface ConnectionGuard {
  /** Called for every request, before anything is answered. */
  track(req: IncomingMessage, res: ServerResponse): void;
  /** Ends the connections still lingering (server shutdown). */
  destroyLingering(): void;
}

export function guardConnections(server: Server, options: ConnectionGuardOptions): ConnectionGuard {
  const states = new WeakMap<Socket, ConnectionState>();
  const lingering = new Set<Socket>();
  const stateOf = (socket: Socket): ConnectionState => {
    let state = states.get(socket);
    if (!state) {
      state = { open: new Set(), last: undefined, failed: false, afterOpenAnswers: undefined };
      states.set(socket, state);
    }
    return state;
  };

  // Closing right after the answer resets a client still sending (the unread bytes turn
  // into an RST that can discard the answer before the client reads it). As nginx's
  // lingering close: send FIN after the answer, read and drop for a while, then close.
  const lingerClose = (socket: Socket): void => {
    if (socket.destroyed || lingering.has(socket)) return;
    lingering.add(socket);
    socket.end();
    const timer = setTimeout(() => socket.destroy(), options.lingerMs);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      lingering.delete(socket);
    });
  };

  server.on('connection', (socket: Socket) => {
    // Node calls destroySoon once the last answer of a closing connection is flushed.
    socket.destroySoon = () => lingerClose(socket);
  });

  server.on(
    'clientError',
    (error: Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const state = stateOf(socket);
      // The parser stays failed: later bytes report the same error again.
      if (state.failed) return;
      state.failed = true;
      const bodyFailed = state.last && !state.last.complete ? bodyFailures.get(state.last) : undefined;
      if (bodyFailed) {
        // The failure is in the body of a request being handled: its handler answers it in
        // its API's shape, after the answers before it, and closes the connection.
        bodyFailed();
        return;
      }
      const answer = (): void => {
        // A timeout before a whole request head arrived: nothing to answer, close (as nginx does).
        if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT' && socket.writable && !socket.writableEnded) {
          socket.write(malformedRequestAnswer(failedRequestTarget(error.rawPacket, error.bytesParsed)));
        }
        lingerClose(socket);
      };
      if (state.open.size === 0) answer();
      else state.afterOpenAnswers = answer;
    },
  );

  // Node hands CONNECT to this event, and drops the connection when nothing listens.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    const path = targetUrl(req.url)?.pathname ?? '';
    const dialect = apiDialectOf(path);
    const requestId = isCloudController(dialect) ? vcapRequestId(req) : memberRequestId(req);
    socket.write(
      rawErrorAnswer(
        405,
        dialect,
        requestId,
        {
          cloudController: {
            description: 'Method Not Allowed: CONNECT',
            error_code: 'CF-MethodNotAllowed',
            code: 10000,
          },
          members: { code: 'method_not_allowed', message: 'The CONNECT method is not allowed.' },
        },
        { Allow: options.allowedMethods(path) },
      ),
    );
    lingerClose(socket);
  });

  return {
    track(req, res) {
      const state = stateOf(req.socket);
      state.last = req;
      state.open.add(res);
      res.once('close', () => {
        state.open.delete(res);
        if (state.open.size > 0 || !state.afterOpenAnswers) return;
        const next = state.afterOpenAnswers;
        state.afterOpenAnswers = undefined;
        next();
      });
    },
    destroyLingering() {
      for (const socket of lingering) socket.destroy();
    },
  };
}
