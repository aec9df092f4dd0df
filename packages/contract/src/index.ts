export {
  runContractChecks,
  defaultSpecPath,
  type ContractCheckOptions,
  type ContractCheckResult,
  type CheckResult,
} from './run.js';
export { contractEnvFrom, contractEnvVariables, flagOf, type ContractEnv } from './env.js';
export { buildPlan, type TransactionPlan, type Target } from './plan.js';
export { createStrictValidator, type StrictValidator, type ObservedResponse } from './validator.js';
export { formatSummary } from './report.js';
export {
  runContractFuzz,
  defaultFuzzRuns,
  type ContractFuzzOptions,
  type ContractFuzzResult,
  type FuzzFailure,
} from './fuzz/run.js';
export { runCredentialFreeChecks } from './credential-free.js';
export { verdictOf, groupSkips, preferHint } from './summary.js';
