import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, startServer, type RunningServer } from '../src/index.js';
import { startPostgresCluster, type PostgresCluster } from '../src/postgres-cluster.js';
import { bearer, expectConforms, problemOf, secret, tokens } from './support.js';

// The database goes away while the server runs: Cloud Controller requests get the documented
// 500 CF-ServerError, member requests the documented 500, nothing hangs, the log names
// the fault without a token; when the database is back, the same server answers again.
// A cluster of its own: this test stops it.

let cluster: PostgresCluster;
let server: RunningServer;
const lines: string[] = [];
beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = await cluster.createDatabase('outage');
  server = await startServer({ port: 0, databasePath: url, seed: true, jwtSecret: secret, log: (l) => lines.push(l) });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await cluster?.destroy();
});

async function call(method: string, path: string, token: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, { method, headers: bearer(token), body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

describe('PostgreSQL going away and coming back', () => {
  it('answers 500 CF-ServerError (Cloud Controller) and 500 (members) while it is down, and serves again once it is back', async () => {
    const admin = await tokens.admin();
    const member = await tokens.member();
    const rolePath = `/v2/organizations/${fixtures.organizations.name1766}/auditors`;
    const memberPath = `/organization/members/${fixtures.memberUserId}`;
    const body = { username: fixtures.usernames.auditor };
    expect((await call('PUT', rolePath, admin, body)).status).toBe(201);

    await cluster.stopServer();
    const started = Date.now();
    const down = await call('PUT', rolePath, admin, body);
    expect(down.status).toBe(500);
    expect(down.json).toEqual({ description: 'Server error', error_code: 'CF-ServerError', code: 10001 });
    expectConforms('PUT', rolePath, down, { faultInjected: true });
    const downDelete = await call('DELETE', rolePath, admin, body);
    expect(downDelete.status).toBe(500);
    const memberDown = await call('DELETE', memberPath, member, {});
    expect(memberDown.status).toBe(500);
    expect(memberDown.json).toMatchObject(problemOf('internal_error', 'Internal Server Error'));
    expect(memberDown.headers.get('x-request-id')).toBeTruthy();
    // Refused connections fail at once, well within the pool's connection timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines.join('\n')).toMatch(/ECONNREFUSED|terminating connection|Connection terminated/);
    for (const token of [admin, member]) expect(lines.join('\n')).not.toContain(token);

    await cluster.start();
    // The pool reconnects on the next request: no restart of the server.
    const back = await call('DELETE', rolePath, admin, body);
    expect(back.status).toBe(204);
    expectConforms('DELETE', rolePath, back);
    expect((await call('DELETE', memberPath, member, {})).status).toBe(204);
    expect(await server.store.hasOrgRole(fixtures.organizations.name1766, fixtures.userIds.auditor, 'auditors')).toBe(
      false,
    );
  }, 90_000);
});
