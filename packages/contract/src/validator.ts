import { createRequire } from 'node:module';

export interface ObservedResponse {
  method: string;
  /** The operation's path template, e.g. `/v2/organizations/{guid}/users`. */
  path: string;
  status: number;
  headers: Record<string, unknown>;
  body: string | undefined;
}

export interface StrictValidator {
  /** Every way the response breaks the contract of its operation; empty when it conforms. */
  validate(response: ObservedResponse): string[];
  /** Every way `value` breaks the component schema `name` (`#/components/schemas/<name>`). */
  validateComponent(name: string, value: unknown): string[];
}

// The validator is CommonJS so that the Dredd hooks (loaded with require) share it.
const require = createRequire(import.meta.url);
const { createStrictValidator: create } = require('../hooks/strict-validator.cjs') as {
  createStrictValidator: (spec: unknown) => StrictValidator;
};

export function createStrictValidator(spec: unknown): StrictValidator {
  return create(spec);
}
