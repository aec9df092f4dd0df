import { expect, test } from 'vitest';
import { loadDocument } from '@org-membership-api/spec';
import { buildPlan } from '../src/plan.js';

// UAA's 429s are provoked on the instance UAA_RATE_LIMIT_SERVER names, and skipped without it.

const spec = loadDocument();
const env = { uaaScimReadToken: 'scim-reader', uaaUsername: 'admin', uaaPassword: 'admin', rateLimitBurst: '50' };
const uaaLimits = (plans: ReturnType<typeof buildPlan>) =>
  plans.filter((plan) => plan.status === 429 && ['/login', '/oauth/token', '/Users'].includes(plan.path));

test("without UAA_RATE_LIMIT_SERVER each of UAA's three 429s is skipped, naming the variable", () => {
  const plans = uaaLimits(buildPlan(spec, 'server', env));
  expect(plans.map((plan) => plan.operationId).sort()).toEqual(['getLoginInfo', 'requestToken', 'searchUsers']);
  for (const plan of plans) {
    expect(plan.skip).toMatch(/needs UAA_RATE_LIMIT_SERVER$/);
    expect(plan.request).toBeUndefined();
  }
});

test('with it, each is a burst sent to that server, as the operation is otherwise asked', () => {
  const server = 'http://127.0.0.1:1';
  const plans = uaaLimits(buildPlan(spec, 'server', { ...env, uaaRateLimitServer: server }));
  expect(plans).toHaveLength(3);
  for (const plan of plans) {
    expect(plan.skip).toBeUndefined();
    expect(plan.burst).toBe(50);
    expect(plan.request?.server).toBe(server);
  }
  const byOperation = Object.fromEntries(plans.map((plan) => [plan.operationId, plan.request!]));
  expect(byOperation['getLoginInfo']!.path).toBe('/login');
  expect(byOperation['requestToken']!.body).toContain('grant_type=password');
  expect(byOperation['searchUsers']!.headers['Authorization']).toBe('bearer scim-reader');
});
