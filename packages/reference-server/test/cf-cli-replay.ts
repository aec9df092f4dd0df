import { request } from 'node:http';
import { expect } from 'vitest';

// The requests of cf CLI v6.53.0, byte for byte where it matters (methods, paths, query
// strings, headers, bodies), as recorded from the real CLI against a logging server: the
// "new" stack (api, auth, target) and the legacy stack (the role commands). A replay checks
// at each step what the CLI needs from the answer, and records the requests it made.

export const newStackAgent = 'cf/6.53.0+8e2b70a4a.2020-09-30 (go1.19.8; amd64 linux)';
export const legacyAgent = 'go-cli 6.53.0+8e2b70a4a.2020-09-30 / linux';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface SentRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** One HTTP/1.1 request with exactly these headers (fetch would add and drop some). */
export function send(baseUrl: string, sent: SentRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: url.host, ...sent.headers };
    if (sent.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(sent.body));
    const req = request(
      { host: url.hostname, port: url.port, method: sent.method, path: sent.target, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(sent.body);
  });
}

/** The payload of a compact JWS, as the CLI reads it (no signature check); fails unless it is one. */
export function jwsPayload(token: string): Record<string, unknown> {
  expect(token, 'not a compact JWS').toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** What the CLI's JSON error readers need: numeric `code`, `description` and `error_code`. */
export function expectCfError(answer: Answer, status: number, code: number, errorCode: string): string {
  expect(answer.status, answer.text).toBe(status);
  const body = answer.json as { code: unknown; description: unknown; error_code: unknown };
  expect(body.code).toBe(code);
  expect(body.error_code).toBe(errorCode);
  expect(typeof body.description).toBe('string');
  return body.description as string;
}

export type OrgRoleName = 'OrgManager' | 'BillingManager' | 'OrgAuditor';
export type SpaceRoleName = 'SpaceManager' | 'SpaceDeveloper' | 'SpaceAuditor';
const orgRoleSegment = { OrgManager: 'managers', BillingManager: 'billing_managers', OrgAuditor: 'auditors' } as const;
const spaceRoleSegment = { SpaceManager: 'managers', SpaceDeveloper: 'developers', SpaceAuditor: 'auditors' } as const;

/** The CLI's config.json: what `api` and `auth` store and later commands read. */
interface Config {
  target?: string;
  authorizationEndpoint?: string;
  uaaEndpoint?: string;
  accessToken?: string;
  refreshToken?: string;
}

/** Fails the command the way the CLI would: the step, and what came back. */
class CommandFailed extends Error {}

export class CfCli {
  readonly config: Config = {};
  /** Every request sent, as `METHOD target` (for asserting the exact sequence). */
  readonly log: string[] = [];
  readonly sent: SentRequest[] = [];

  /** Forgets the requests sent so far (the config stays). */
  clearLog(): void {
    this.log.length = 0;
    this.sent.length = 0;
  }

  async #send(base: string, sent: SentRequest): Promise<Answer> {
    this.log.push(`${sent.method} ${sent.target}`);
    this.sent.push(sent);
    return send(base, sent);
  }

  /** Both stacks refresh first when the access token has under 60 s left. */
  async #freshToken(legacy: boolean): Promise<string | undefined> {
    const token = this.config.accessToken;
    if (!token) return undefined;
    const exp = jwsPayload(token.replace(/^bearer /, ''))['exp'];
    if (typeof exp === 'number' && exp * 1000 - Date.now() >= 60_000) return token;
    const answer = await this.#send(this.config.authorizationEndpoint!, {
      method: 'POST',
      target: '/oauth/token',
      headers: {
        'User-Agent': legacy ? legacyAgent : newStackAgent,
        Accept: 'application/json',
        Authorization: 'Basic Y2Y6',
        'Content-Type': 'application/x-www-form-urlencoded',
        ...(legacy ? { Connection: 'close' } : {}),
      },
      body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(this.config.refreshToken!)}&scope=`,
    });
    if (answer.status !== 200) throw new CommandFailed(`refresh failed: ${answer.status} ${answer.text}`);
    this.#storeTokens(answer);
    return this.config.accessToken;
  }

  #storeTokens(answer: Answer): void {
    const body = answer.json as Record<string, unknown>;
    expect(body['token_type']).toBe('bearer');
    const claims = jwsPayload(body['access_token'] as string);
    for (const claim of ['exp', 'user_name', 'user_id', 'email', 'scope']) expect(claims).toHaveProperty(claim);
    expect(typeof body['refresh_token']).toBe('string');
    this.config.accessToken = `${body['token_type'] as string} ${body['access_token'] as string}`;
    this.config.refreshToken = body['refresh_token'] as string;
  }

  async #newStackGet(base: string, target: string, authenticated: boolean): Promise<Answer> {
    const token = authenticated ? await this.#freshToken(false) : undefined;
    return this.#send(base, {
      method: 'GET',
      target,
      headers: { 'User-Agent': newStackAgent, Accept: 'application/json', ...(token ? { Authorization: token } : {}) },
      body: undefined,
    });
  }

  async #legacy(method: string, base: string, target: string, body?: string): Promise<Answer> {
    const token = await this.#freshToken(true);
    return this.#send(base, {
      method,
      target,
      headers: {
        'User-Agent': legacyAgent,
        Accept: 'application/json',
        'Content-Type': 'application/json',
        Connection: 'close',
        ...(token ? { Authorization: token } : {}),
      },
      body,
    });
  }

  /** The startup calls of every new-stack command: /v2/info, / (and /login except for `api`). */
  async #startup(withLogin: boolean): Promise<void> {
    const info = await this.#newStackGet(this.config.target!, '/v2/info', false);
    expect(info.status, info.text).toBe(200);
    const infoBody = info.json as Record<string, unknown>;
    expect(typeof infoBody['authorization_endpoint']).toBe('string');
    expect(typeof infoBody['api_version']).toBe('string');
    this.config.authorizationEndpoint = infoBody['authorization_endpoint'] as string;
    const root = await this.#newStackGet(this.config.target!, '/', false);
    expect(root.status, root.text).toBe(200);
    expect(typeof root.json).toBe('object');
    if (!withLogin) return;
    const login = await this.#newStackGet(this.config.authorizationEndpoint, '/login', false);
    expect(login.status, login.text).toBe(200);
    const links = (login.json as { links?: { uaa?: string } }).links;
    this.config.uaaEndpoint = links?.uaa ?? this.config.authorizationEndpoint;
  }

  async api(url: string): Promise<void> {
    this.config.target = url;
    await this.#startup(false);
  }

  /** `cf auth USER PASS`: the token answer (200 stores the tokens). */
  async auth(username: string, password: string): Promise<Answer> {
    await this.#startup(true);
    const answer = await this.#send(this.config.authorizationEndpoint!, {
      method: 'POST',
      target: '/oauth/token',
      headers: {
        'User-Agent': newStackAgent,
        Accept: 'application/json',
        Authorization: 'Basic Y2Y6',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: `grant_type=password&password=${encodeURIComponent(password)}&username=${encodeURIComponent(username)}`,
    });
    if (answer.status === 200) this.#storeTokens(answer);
    return answer;
  }

  /** `cf target -o ORG`: the organization and the space lists (a single space is targeted). */
  async target(org: string): Promise<{ organizations: Answer; spaces?: Answer; space?: string }> {
    await this.#startup(true);
    const organizations = await this.#newStackGet(
      this.config.target!,
      `/v2/organizations?order-by=name&q=name%3A${encodeURIComponent(org)}`,
      true,
    );
    const found = (organizations.json as { resources?: Array<{ metadata: { guid: string } }> }).resources;
    if (organizations.status !== 200 || !found || found.length !== 1) return { organizations };
    const spaces = await this.#newStackGet(
      this.config.target!,
      `/v2/spaces?order-by=name&q=organization_guid%3A${found[0]!.metadata.guid}`,
      true,
    );
    const list = (spaces.json as { resources: Array<{ entity: { name: string } }> }).resources;
    return { organizations, spaces, ...(list.length === 1 ? { space: list[0]!.entity.name } : {}) };
  }

  /** Step 1 of every role command: the flag decides the path (anything but enabled:true → by guid). */
  async #byUsername(flag: 'set_roles_by_username' | 'unset_roles_by_username'): Promise<boolean> {
    const answer = await this.#legacy('GET', this.config.target!, `/v2/config/feature_flags/${flag}`);
    return answer.status === 200 && (answer.json as { enabled?: unknown }).enabled === true;
  }

  async #userGuid(username: string): Promise<string> {
    const filter = `userName+Eq+%22${encodeURIComponent(username)}%22`;
    const answer = await this.#legacy(
      'GET',
      this.config.uaaEndpoint!,
      `/Users?attributes=id,userName&filter=${filter}`,
    );
    if (answer.status !== 200) throw new CommandFailed(`Server error, status code: ${answer.status}`);
    const resources = (answer.json as { resources: Array<{ id: string; userName: string }> }).resources;
    if (resources.length === 0) throw new CommandFailed(`User ${username} not found`);
    return resources[0]!.id;
  }

  async #orgGuid(org: string): Promise<string> {
    const answer = await this.#legacy(
      'GET',
      this.config.target!,
      `/v2/organizations?q=name%3A${encodeURIComponent(org.toLowerCase())}&inline-relations-depth=1`,
    );
    const resources = (answer.json as { resources?: Array<{ metadata: { guid: string } }> }).resources;
    if (answer.status !== 200 || !resources) throw new CommandFailed(`org lookup: ${answer.status} ${answer.text}`);
    if (resources.length === 0) throw new CommandFailed(`Organization ${org} not found`);
    return resources[0]!.metadata.guid;
  }

  async #spaceGuid(orgGuid: string, space: string): Promise<string> {
    const answer = await this.#legacy(
      'GET',
      this.config.target!,
      `/v2/organizations/${orgGuid}/spaces?q=name%3A${encodeURIComponent(space.toLowerCase())}&inline-relations-depth=1`,
    );
    const resources = (answer.json as { resources?: Array<{ metadata: { guid: string } }> }).resources;
    if (answer.status !== 200 || !resources) throw new CommandFailed(`space lookup: ${answer.status} ${answer.text}`);
    if (resources.length === 0) throw new CommandFailed(`Space ${space} not found`);
    return resources[0]!.metadata.guid;
  }

  /** PUT and DELETE succeed on any 2xx; a 200–203 PUT body must be JSON or empty. */
  #expectSuccess(answer: Answer): void {
    if (answer.status < 200 || answer.status > 299) {
      const error = answer.json as { code?: number; description?: string } | undefined;
      throw new CommandFailed(
        `Server error, status code: ${answer.status}, error code: ${error?.code ?? 0}, message: ${error?.description ?? ''}`,
      );
    }
    if (answer.text !== '') expect(() => JSON.parse(answer.text) as unknown).not.toThrow();
  }

  #usernameBody = (username: string) => `{"username": ${JSON.stringify(username)}}`;

  async setOrgRole(username: string, org: string, role: OrgRoleName): Promise<void> {
    const byUsername = await this.#byUsername('set_roles_by_username');
    const userGuid = byUsername ? undefined : await this.#userGuid(username);
    const orgGuid = await this.#orgGuid(org);
    for (const segment of [orgRoleSegment[role], 'users']) {
      const path = `/v2/organizations/${orgGuid}/${segment}`;
      this.#expectSuccess(
        byUsername
          ? await this.#legacy('PUT', this.config.target!, path, this.#usernameBody(username))
          : await this.#legacy('PUT', this.config.target!, `${path}/${userGuid!}`),
      );
    }
  }

  async unsetOrgRole(username: string, org: string, role: OrgRoleName): Promise<void> {
    const byUsername = await this.#byUsername('unset_roles_by_username');
    const userGuid = byUsername ? undefined : await this.#userGuid(username);
    const orgGuid = await this.#orgGuid(org);
    const path = `/v2/organizations/${orgGuid}/${orgRoleSegment[role]}`;
    this.#expectSuccess(
      byUsername
        ? await this.#legacy('DELETE', this.config.target!, path, this.#usernameBody(username))
        : await this.#legacy('DELETE', this.config.target!, `${path}/${userGuid!}`),
    );
  }

  async setSpaceRole(username: string, org: string, space: string, role: SpaceRoleName): Promise<void> {
    const byUsername = await this.#byUsername('set_roles_by_username');
    const userGuid = byUsername ? undefined : await this.#userGuid(username);
    const orgGuid = await this.#orgGuid(org);
    const spaceGuid = await this.#spaceGuid(orgGuid, space);
    const orgUsers = `/v2/organizations/${orgGuid}/users`;
    const spaceRole = `/v2/spaces/${spaceGuid}/${spaceRoleSegment[role]}`;
    if (byUsername) {
      const member = await this.#legacy('PUT', this.config.target!, orgUsers, this.#usernameBody(username));
      // The CLI ignores a NotAuthorized (10003) here and goes on.
      if ((member.json as { code?: number } | undefined)?.code !== 10003) this.#expectSuccess(member);
      this.#expectSuccess(await this.#legacy('PUT', this.config.target!, spaceRole, this.#usernameBody(username)));
    } else {
      this.#expectSuccess(await this.#legacy('PUT', this.config.target!, `${orgUsers}/${userGuid!}`));
      this.#expectSuccess(await this.#legacy('PUT', this.config.target!, `${spaceRole}/${userGuid!}`));
    }
  }

  async unsetSpaceRole(username: string, org: string, space: string, role: SpaceRoleName): Promise<void> {
    const byUsername = await this.#byUsername('unset_roles_by_username');
    const userGuid = byUsername ? undefined : await this.#userGuid(username);
    const orgGuid = await this.#orgGuid(org);
    const spaceGuid = await this.#spaceGuid(orgGuid, space);
    const path = `/v2/spaces/${spaceGuid}/${spaceRoleSegment[role]}`;
    this.#expectSuccess(
      byUsername
        ? await this.#legacy('DELETE', this.config.target!, path, this.#usernameBody(username))
        : await this.#legacy('DELETE', this.config.target!, `${path}/${userGuid!}?async=true`),
    );
  }
}
