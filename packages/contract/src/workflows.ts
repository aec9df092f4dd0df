import { contractEnvVariables, type ContractEnv } from './env.js';
import type { Target } from './plan.js';
import type { StrictValidator } from './validator.js';

export interface CheckResult {
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** Why it failed (each names the operation and the violation) or was skipped. */
  messages: string[];
  /** The JUnit test suite (default: by kind of check). */
  suite?: string;
  /** The status the request provokes and the one that came back, where known. */
  expectedStatus?: number;
  actualStatus?: number;
  /** The answer carried signs of a mock (`sl-violations`). */
  mockSigns?: boolean;
}

interface Step {
  operationId: string;
  method: 'PUT' | 'POST' | 'DELETE';
  /** Path template (for the contract) and concrete path. */
  template: string;
  path: string;
  token: string | undefined;
  body?: unknown;
  /** Statuses that count as the expected outcome; the first is what the mock is asked for. */
  expect: number[];
  expectErrorCode?: string;
  mockExample?: string;
  check?: (body: unknown) => string | undefined;
}

interface Workflow {
  name: string;
  needs: Array<keyof ContractEnv>;
  steps: (env: ContractEnv) => Step[];
}

const rolePath = (role: string) => `/v2/organizations/{guid}/${role}`;

/** A role change by username on the env's space or on that space's organization. */
function roleStep(
  env: ContractEnv,
  resource: 'organizations' | 'spaces',
  operation: { id: string; method: Step['method']; role: string },
  username: string | undefined,
  outcome: Pick<Step, 'expect' | 'expectErrorCode' | 'mockExample'>,
): Step {
  const guid = resource === 'spaces' ? env.cfSpaceGuid! : env.cfSpaceOrgGuid!;
  const suffix = operation.method === 'POST' ? '/remove' : '';
  return {
    operationId: operation.id,
    method: operation.method,
    template: `/v2/${resource}/{guid}/${operation.role}${suffix}`,
    path: `/v2/${resource}/${encodeURIComponent(guid)}/${operation.role}${suffix}`,
    token: env.cfAdminToken,
    body: { username },
    ...outcome,
    // A success that answers with the resource (every one but an organization removal's 204).
    ...(outcome.expect[0]! < 300 && (operation.method === 'PUT' || resource === 'spaces')
      ? {
          check: (answer: unknown) => {
            const found = (answer as { metadata?: { guid?: unknown } } | undefined)?.metadata?.guid;
            return found === guid ? undefined : `metadata.guid ${JSON.stringify(found)} is not ${guid}`;
          },
        }
      : {}),
  };
}

const orgUsers = {
  put: { id: 'associateUserWithOrganizationByUsername', method: 'PUT', role: 'users' },
  post: { id: 'removeUserFromOrganizationByUsername', method: 'POST', role: 'users' },
  delete: { id: 'disassociateUserWithOrganizationByUsername', method: 'DELETE', role: 'users' },
} as const;
const spaceDevelopers = {
  put: { id: 'associateDeveloperWithSpaceByUsername', method: 'PUT', role: 'developers' },
  post: { id: 'removeDeveloperFromSpaceByUsername', method: 'POST', role: 'developers' },
} as const;
const created = { expect: [201] };
const removedFromOrg = { expect: [204, 200] };
const invalidRelation = { expect: [400], expectErrorCode: 'CF-InvalidRelation', mockExample: 'InvalidRelation' };

const workflows: Workflow[] = [
  {
    name: 'associate a user by username, then remove it (twice: removal is idempotent)',
    needs: ['cfAdminToken', 'cfOrgGuid', 'cfUsername'],
    steps: (env) => {
      const path = `/v2/organizations/${encodeURIComponent(env.cfOrgGuid!)}/users`;
      const body = { username: env.cfUsername };
      const remove = (): Step => ({
        operationId: 'disassociateUserWithOrganizationByUsername',
        method: 'DELETE',
        template: rolePath('users'),
        path,
        token: env.cfAdminToken,
        body,
        expect: [204, 200],
      });
      return [
        {
          operationId: 'associateUserWithOrganizationByUsername',
          method: 'PUT',
          template: rolePath('users'),
          path,
          token: env.cfAdminToken,
          body,
          expect: [201],
          mockExample: 'Organization',
          check: (answer) => {
            const guid = (answer as { metadata?: { guid?: unknown } } | undefined)?.metadata?.guid;
            return guid === env.cfOrgGuid
              ? undefined
              : `metadata.guid ${JSON.stringify(guid)} is not the organization ${env.cfOrgGuid}`;
          },
        },
        remove(),
        remove(),
      ];
    },
  },
  {
    name: 'remove users while the user holds space roles: AssociationNotEmpty, then recursive=true succeeds',
    needs: ['cfAdminToken', 'cfSpaceRolesUsername', 'cfSpaceRolesOrgGuid'],
    steps: (env) => {
      const path = `/v2/organizations/${encodeURIComponent(env.cfSpaceRolesOrgGuid!)}/users`;
      const base = {
        operationId: 'disassociateUserWithOrganizationByUsername',
        method: 'DELETE' as const,
        template: rolePath('users'),
        token: env.cfAdminToken,
        body: { username: env.cfSpaceRolesUsername },
      };
      return [
        { ...base, path, expect: [400], expectErrorCode: 'CF-AssociationNotEmpty', mockExample: 'AssociationNotEmpty' },
        { ...base, path: `${path}?recursive=true`, expect: [204, 200] },
        // The space roles are gone: removing again needs no recursive.
        { ...base, path, expect: [204, 200] },
      ];
    },
  },
  {
    name: 'a space role needs organization membership: InvalidRelation, then associate to the organization, then it succeeds',
    needs: ['cfAdminToken', 'cfSpaceOrgGuid', 'cfSpaceGuid', 'cfNotInOrgUsername'],
    steps: (env) => {
      const user = env.cfNotInOrgUsername;
      return [
        roleStep(env, 'spaces', spaceDevelopers.put, user, invalidRelation),
        roleStep(env, 'organizations', orgUsers.put, user, { ...created, mockExample: 'Organization' }),
        roleStep(env, 'spaces', spaceDevelopers.put, user, { ...created, mockExample: 'Space' }),
        // Leave the user as found: outside the organization again.
        roleStep(env, 'spaces', spaceDevelopers.post, user, { expect: [200], mockExample: 'Space' }),
        roleStep(env, 'organizations', orgUsers.post, user, removedFromOrg),
      ];
    },
  },
  {
    name: 'remove via POST …/remove and via DELETE give the same state: the user is no longer in the organization',
    needs: ['cfAdminToken', 'cfSpaceOrgGuid', 'cfSpaceGuid', 'cfNotInOrgUsername'],
    steps: (env) => {
      const user = env.cfNotInOrgUsername;
      // A space role is refused (InvalidRelation) exactly when the user is not in the organization.
      return [orgUsers.post, orgUsers.delete].flatMap((removal) => [
        roleStep(env, 'organizations', orgUsers.put, user, { ...created, mockExample: 'Organization' }),
        roleStep(env, 'organizations', removal, user, removedFromOrg),
        roleStep(env, 'spaces', spaceDevelopers.put, user, invalidRelation),
      ]);
    },
  },
  {
    name: 'remove an organization member twice (both 204)',
    needs: ['membersToken', 'membersUserId'],
    steps: (env) => {
      const userId = env.membersWorkflowUserId ?? env.membersUserId!;
      const step: Step = {
        operationId: 'removeOrgMember',
        method: 'DELETE',
        template: '/organization/members/{userId}',
        path: `/organization/members/${encodeURIComponent(userId)}`,
        token: env.membersToken,
        expect: [204],
      };
      return [step, step];
    },
  },
];

/** Runs every workflow against `server`, validating every response strictly against the contract. */
export async function runWorkflows(options: {
  server: string;
  target: Target;
  env: ContractEnv;
  validator: StrictValidator;
}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const base = options.server.replace(/\/+$/, '');
  for (const workflow of workflows) {
    const name = `workflow: ${workflow.name}`;
    const absent = options.target === 'server' ? workflow.needs.filter((field) => !options.env[field]) : [];
    if (absent.length > 0) {
      results.push({
        name,
        outcome: 'skipped',
        messages: [`needs ${absent.map((f) => contractEnvVariables[f]).join(', ')}`],
      });
      continue;
    }
    // The mock holds no state: each step asks it for the documented outcome of that step.
    const env: ContractEnv = options.target === 'mock' ? { ...mockEnv, ...options.env } : options.env;
    const messages: string[] = [];
    const steps = workflow.steps(env);
    for (const [index, step] of steps.entries()) {
      const label = `step ${index + 1} ${step.operationId} ${step.method} ${step.path}`;
      const headers: Record<string, string> = {};
      if (step.token !== undefined) headers['Authorization'] = `bearer ${step.token}`;
      if (step.body !== undefined) headers['Content-Type'] = 'application/json';
      if (options.target === 'mock')
        headers['Prefer'] = `code=${step.expect[0]}${step.mockExample ? `, example=${step.mockExample}` : ''}`;
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${base}${step.path}`, {
          method: step.method,
          headers,
          ...(step.body === undefined ? {} : { body: JSON.stringify(step.body) }),
          signal: AbortSignal.timeout(10_000),
        });
        text = await response.text();
      } catch (error) {
        messages.push(`${label}: request failed: ${(error as Error).message}`);
        break;
      }
      const responseHeaders = Object.fromEntries(response.headers.entries());
      const violations = options.validator.validate({
        method: step.method,
        path: step.template,
        status: response.status,
        headers: responseHeaders,
        body: text,
      });
      for (const violation of violations) messages.push(`${label}: ${response.status}: ${violation}`);
      if (!step.expect.includes(response.status)) {
        messages.push(
          `${label}: status ${response.status}, expected ${step.expect.join(' or ')}${text ? ` (${text.slice(0, 200)})` : ''}`,
        );
        break;
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (step.expectErrorCode) {
        const errorCode = (parsed as { error_code?: unknown } | undefined)?.error_code;
        if (errorCode !== step.expectErrorCode)
          messages.push(`${label}: error_code ${JSON.stringify(errorCode)}, expected ${step.expectErrorCode}`);
      }
      // On the mock the answer is an example, not the requested organization.
      const problem = options.target === 'server' && parsed !== undefined ? step.check?.(parsed) : undefined;
      if (problem) messages.push(`${label}: ${problem}`);
      if (messages.length > 0) break;
    }
    results.push({ name, outcome: messages.length ? 'failed' : 'passed', messages });
  }
  return results;
}

/** Request values for the mock, which accepts any bearer token and answers with examples. */
const mockEnv: ContractEnv = {
  cfAdminToken: 'contract-checks',
  cfOrgGuid: '6f0e3308-1340-4682-937e-7b8186f5431e',
  cfUsername: 'user@example.com',
  cfSpaceRolesUsername: 'user@example.com',
  cfSpaceRolesOrgGuid: 'f996b04a-68c3-4af7-bbf1-a13fd3880ae6',
  cfSpaceGuid: 'e2d05c43-f95f-4ec7-82ec-0904d82abe5e',
  cfSpaceOrgGuid: 'f996b04a-68c3-4af7-bbf1-a13fd3880ae6',
  cfNotInOrgUsername: 'user@example.com',
  membersToken: 'contract-checks',
  membersUserId: '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34',
};
