'use strict';
// Dredd hooks (CommonJS: Dredd loads hook files with require). The runner writes a plan
// (one entry per documented response) to the file named by ORG_MEMBERSHIP_CONTRACT_PLAN;
// these hooks apply it to each transaction, validate every response strictly against the
// contract, and write one result per transaction to the plan's resultsPath.

const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const hooks = require('hooks');
const { createStrictValidator } = require('./strict-validator.cjs');

const config = JSON.parse(fs.readFileSync(process.env.ORG_MEMBERSHIP_CONTRACT_PLAN, 'utf8'));
const validator = createStrictValidator(JSON.parse(fs.readFileSync(config.specPath, 'utf8')));
const plans = new Map(config.plans.map((plan) => [plan.key, plan]));
const results = [];

function keyOf(transaction) {
  return `${transaction.request.method.toUpperCase()} ${transaction.origin.resourceName} ${transaction.expected.statusCode}`;
}

// The env's secrets, as the contract package's redactionPattern describes them.
const secretPattern = config.redactionPattern ? new RegExp(config.redactionPattern, 'g') : undefined;

function redact(text) {
  return secretPattern ? String(text).replace(secretPattern, '[redacted]') : String(text);
}

/** Sends one request outside Dredd (to use up a rate limit); resolves with the response as Dredd records it. */
function send(transaction, request) {
  const base = new URL(request.server || config.server);
  const client = base.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const body = Buffer.from(request.body || '', 'utf8');
    const headers = { ...request.headers };
    if (body.length > 0) headers['Content-Length'] = String(body.length);
    const req = client.request(
      new URL(transaction.fullPath, base),
      { method: transaction.request.method, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ statusCode: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(body);
  });
}

/**
 * Resends the request on a bare socket and returns the raw answer split into status, headers
 * and everything after them: for answers Node's HTTP parser refuses (e.g. a body after a 204).
 */
function sendRaw(transaction) {
  const base = new URL(transaction.plannedServer || config.server);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(base.port || 80), base.hostname);
    const chunks = [];
    const body = Buffer.from(transaction.request.body || '', 'utf8');
    const headers = Object.entries(transaction.plannedHeaders || {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('connect', () => {
      socket.write(
        `${transaction.request.method} ${transaction.fullPath} HTTP/1.1\r\nHost: ${base.host}\r\n${headers}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(body);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error('no complete HTTP answer'));
      const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ statusCode: Number(statusLine.split(' ')[1]), headers, body: raw.slice(end + 4) });
    });
  });
}

hooks.beforeEach((transaction, done) => {
  const plan = plans.get(keyOf(transaction));
  if (!plan) {
    transaction.fail = `no plan for ${keyOf(transaction)}: the contract and the plan disagree`;
    return done();
  }
  transaction.id = `${plan.name} (${plan.method} ${plan.path})`;
  // Dredd demands every documented header, and the exact media type (`application/json` fails
  // `application/json;charset=utf-8`): the strict layer checks both as the contract means them.
  const optional = new Set(
    validator.optionalHeaders(plan.method, plan.path, plan.status).map((name) => name.toLowerCase()),
  );
  optional.add('content-type');
  for (const name of Object.keys(transaction.expected.headers || {})) {
    if (optional.has(name.toLowerCase())) delete transaction.expected.headers[name];
  }
  // With several media types documented (the member API's `{code, message}` and problem details),
  // Dredd checks the body against one of them, whichever the answer is: the strict layer checks
  // it against the schema of the media type the answer names.
  // Without a schema Dredd takes the example as one (every key required, no `null`): the
  // strict layer checks such a body against the contract's schema instead.
  if (validator.mediaTypesOf(plan.method, plan.path, plan.status).length > 1 || !transaction.expected.bodySchema) {
    delete transaction.expected.bodySchema;
    delete transaction.expected.body;
  }
  if (plan.skip) {
    transaction.skip = true;
    return done();
  }
  const [pathname, query] = plan.request.path.split('?');
  let basePath = config.basePath;
  if (plan.request.server) {
    // This check goes to another instance of the server (see the plan).
    const other = new URL(plan.request.server);
    transaction.protocol = other.protocol;
    transaction.host = other.hostname;
    transaction.port = other.port;
    transaction.plannedServer = other.href;
    basePath = other.pathname.replace(/\/+$/, '');
  }
  transaction.fullPath = `${basePath}${pathname}${query === undefined ? '' : `?${query}`}`;
  transaction.request.uri = plan.request.path;
  transaction.request.headers = { ...plan.request.headers };
  transaction.plannedHeaders = { ...plan.request.headers };
  transaction.request.body = plan.request.body;
  transaction.burstViolations = [];
  if (!plan.burst) return done();
  // Use the limit up: resend until the server answers 429; the transaction's own request then gets 429 too.
  (async () => {
    for (let i = 0; i < plan.burst; i++) {
      const response = await send(transaction, plan.request);
      const violations = validator.validate({
        method: plan.method,
        path: plan.path,
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
      });
      for (const v of violations)
        transaction.burstViolations.push(`while using up the rate limit (${response.statusCode}): ${v}`);
      if (response.statusCode === 429) return;
    }
  })().then(
    () => done(),
    (error) => {
      transaction.fail = `could not use up the rate limit: ${error.message}`;
      done();
    },
  );
});

hooks.afterEach((transaction, done) => {
  afterEach(transaction).then(done, (error) => {
    transaction.fail = `contract check failed: ${error.message}`;
    done();
  });
});

async function afterEach(transaction) {
  const plan = plans.get(keyOf(transaction));
  const headers = transaction.request.headers || {};
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') headers[name] = '[redacted]';
  if (!plan || plan.skip) return;
  let real = transaction.real;
  const violations = [...(transaction.burstViolations || [])];
  if (!real) {
    // Dredd got no response it could parse: look at the raw answer to say what is wrong.
    violations.push('no HTTP response Dredd could read');
    if (!(transaction.plannedServer || config.server).startsWith('https:')) {
      try {
        real = await sendRaw(transaction);
      } catch (error) {
        violations.push(`resent on a bare socket: ${error.message}`);
      }
    }
  }
  if (real) {
    violations.push(
      ...validator.validate({
        method: plan.method,
        path: plan.path,
        status: real.statusCode,
        headers: real.headers,
        body: real.body,
      }),
    );
    if (plan.expectErrorCode && real.statusCode === plan.status) {
      let errorCode;
      try {
        errorCode = JSON.parse(real.body).error_code;
      } catch {
        errorCode = undefined;
      }
      if (errorCode !== plan.expectErrorCode)
        violations.push(`error_code ${JSON.stringify(errorCode)} where the request provokes ${plan.expectErrorCode}`);
    }
  }
  const result = {
    key: plan.key,
    name: plan.name,
    operationId: plan.operationId,
    status: plan.status,
    actualStatus: real && real.statusCode,
    // Prism marks the answers it chose despite an invalid request: a mock run without --target mock.
    mockSigns: Boolean(real && real.headers && real.headers['sl-violations'] !== undefined),
    outcome: 'passed',
    messages: [],
  };
  if (real && violations.length === 0 && (plan.alternativeSuccesses || []).includes(real.statusCode)) {
    // The server chose the other documented success (e.g. 204 instead of 200): valid, but this one is not produced.
    transaction.skip = true;
    result.outcome = 'skipped';
    result.reason = `the server answers ${real.statusCode} (the other documented success) to this request; ${plan.status} is not produced`;
    results.push(result);
    return;
  }
  const gavelValid = !transaction.test || transaction.test.valid !== false;
  if (!gavelValid) {
    const dreddMessage = redact(transaction.test.message || '').trim();
    result.messages.push(
      ...dreddMessage
        .split('\n')
        .filter(Boolean)
        .map((line) => `Dredd: ${line}`),
    );
  }
  if (violations.length > 0) {
    const text = violations.map((v) => redact(v)).join('; ');
    result.messages.push(...violations.map((v) => `contract: ${redact(v)}`));
    transaction.fail = `${plan.operationId} ${real ? real.statusCode : ''}: ${text}`;
    if (transaction.test && !gavelValid) transaction.test.message = `${transaction.test.message}\ncontract: ${text}`;
  }
  if (result.messages.length > 0) result.outcome = 'failed';
  results.push(result);
}

hooks.afterAll((transactions, done) => {
  fs.writeFileSync(config.resultsPath, JSON.stringify(results, null, 2));
  done();
});
