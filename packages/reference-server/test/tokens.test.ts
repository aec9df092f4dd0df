import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTokenExpectations, fixtures, mintToken } from '../src/index.js';
import { bearer, cfError, secret, startTestServer, problemOf, type TestServer } from './support.js';

// Claims: a token without `exp`, from another issuer, or for another audience is refused on
// both APIs; keys: an unusable key stops the start, an unreachable key set is a documented
// 503 (Cloud Controller) / 500 (member API) with the cause in the log.

const org = fixtures.organizations.name1766;
const rolePath = `/v2/organizations/${org}/auditors`;
const memberPath = `/organization/members/${fixtures.memberUserId}`;
const key = new TextEncoder().encode(secret);
const cf = defaultTokenExpectations.cloudController;
const members = defaultTokenExpectations.members;

function signed(claims: Record<string, unknown>, { exp = true } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(fixtures.adminUserId);
  return (exp ? jwt.setExpirationTime('1h') : jwt).sign(key);
}
const cfClaims = {
  user_id: fixtures.adminUserId,
  scope: ['cloud_controller.admin'],
  aud: ['cloud_controller'],
  iss: cf.issuer,
};
const memberClaims = {
  user_id: fixtures.membersAdminUserId,
  scope: ['update:org'],
  org_id: fixtures.membersOrgId,
  aud: members.audience,
  iss: members.issuer,
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const put = (token: string) =>
  server.call('PUT', rolePath, { headers: bearer(token), body: { username: fixtures.usernames.user } });
const remove = (token: string) => server.call('DELETE', memberPath, { headers: bearer(token, 'Bearer') });

describe('claims', () => {
  it('the claims as minted are accepted on both APIs', async () => {
    expect((await put(await signed(cfClaims))).status).toBe(201);
    expect((await remove(await signed(memberClaims))).status).toBe(204);
  });

  it('a token without exp: 401 on both APIs', async () => {
    const response = await put(await signed(cfClaims, { exp: false }));
    expect(response.status).toBe(401);
    expect(cfError(response).error_code).toBe('CF-InvalidAuthToken');
    const member = await remove(await signed(memberClaims, { exp: false }));
    expect(member.status).toBe(401);
    expect(member.json).toMatchObject({ code: 'invalid_token' });
  });

  it('another issuer (or none): 401 on both APIs', async () => {
    for (const iss of ['https://uaa.attacker.example/oauth/token', undefined]) {
      expect((await put(await signed({ ...cfClaims, iss }))).status).toBe(401);
      expect((await remove(await signed({ ...memberClaims, iss }))).status).toBe(401);
    }
    // Each API's issuer is its own.
    expect((await put(await signed({ ...cfClaims, iss: members.issuer }))).status).toBe(401);
    expect((await remove(await signed({ ...memberClaims, iss: cf.issuer }))).status).toBe(401);
  });

  it('member API: another audience (or none) is 401 invalid_token', async () => {
    for (const aud of ['cloud_controller', 'https://another.example', undefined]) {
      const response = await remove(await signed({ ...memberClaims, aud }));
      expect(response.status, String(aud)).toBe(401);
      expect(response.json).toMatchObject({ code: 'invalid_token' });
    }
  });

  it('issuers and audience are configurable', async () => {
    const custom = await startTestServer({
      cloudControllerTokenIssuer: 'https://uaa.sys.example.org/oauth/token',
      memberTokenIssuer: 'https://issuer.example/',
      memberAudience: 'members-api',
    });
    try {
      const cfToken = (iss: string) => signed({ ...cfClaims, iss });
      const call = (token: string) =>
        custom.call('PUT', rolePath, { headers: bearer(token), body: { username: fixtures.usernames.user } });
      expect((await call(await cfToken('https://uaa.sys.example.org/oauth/token'))).status).toBe(201);
      expect((await call(await cfToken(cf.issuer))).status).toBe(401);
      const memberToken = await mintToken({
        secret,
        scopes: ['update:org'],
        userId: fixtures.membersAdminUserId,
        orgId: fixtures.membersOrgId,
        issuer: 'https://issuer.example/',
        audience: 'members-api',
      });
      expect((await custom.call('DELETE', memberPath, { headers: bearer(memberToken) })).status).toBe(204);
      const defaults = await mintToken({ secret, scopes: ['update:org'], userId: 'u', orgId: fixtures.membersOrgId });
      expect((await custom.call('DELETE', memberPath, { headers: bearer(defaults) })).status).toBe(401);
    } finally {
      await custom.close();
    }
  });
});

describe('keys', () => {
  it('an unusable JWT_PUBLIC_KEY stops the start with a clear error', async () => {
    await expect(startTestServer({ jwtSecret: undefined, jwtPublicKey: 'not a key' })).rejects.toThrow(
      'JWT_PUBLIC_KEY is not an RSA public key in PEM (SPKI) form',
    );
    await expect(startTestServer({ jwtSecret: undefined, jwksUrl: 'not a url' })).rejects.toThrow(
      'JWKS_URL is not a URL',
    );
  });

  it('an unreachable JWKS URL: 503 CF-UaaUnavailable / 500 internal_error, the cause logged without the token', async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lines: string[] = [];
    const jwks = await startTestServer({
      jwtSecret: undefined,
      jwksUrl: `http://127.0.0.1:${port}/token_keys`,
      log: (line) => lines.push(line),
    });
    try {
      const { privateKey } = await generateKeyPair('RS256');
      const rs256 = (claims: Record<string, unknown>) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('1h').sign(privateKey);
      const cfToken = await rs256(cfClaims);
      const response = await jwks.call('PUT', rolePath, {
        headers: bearer(cfToken),
        body: { username: fixtures.usernames.user },
      });
      expect(response.status).toBe(503);
      expect(cfError(response)).toEqual({
        description: 'The UAA service is currently unavailable',
        error_code: 'CF-UaaUnavailable',
        code: 20004,
      });
      const memberToken = await rs256(memberClaims);
      // The contract documents this 500; the test support refuses any 500, so fetch directly.
      const member = await fetch(`${jwks.url}${memberPath}`, { method: 'DELETE', headers: bearer(memberToken) });
      expect(member.status).toBe(500);
      expect(await member.json()).toMatchObject(problemOf('internal_error', 'Internal Server Error'));
      expect(member.headers.get('x-request-id')).toBeTruthy();
      const log = lines.join('\n');
      expect(log).toContain('token keys unavailable');
      expect(log).not.toContain(cfToken);
      expect(log).not.toContain(memberToken);
    } finally {
      await jwks.close();
    }
  });

  it('a key set that is there verifies RS256 tokens', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const withKey = await startTestServer({ jwtSecret: undefined, jwtPublicKey: pem });
    try {
      const token = await new SignJWT(cfClaims)
        .setProtectedHeader({ alg: 'RS256' })
        .setExpirationTime('1h')
        .sign(privateKey);
      const response = await withKey.call('PUT', rolePath, {
        headers: bearer(token),
        body: { username: fixtures.usernames.user },
      });
      expect(response.status).toBe(201);
    } finally {
      await withKey.close();
    }
  });
});
