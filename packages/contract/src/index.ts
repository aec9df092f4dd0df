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
