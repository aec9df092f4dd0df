export {
  breakingChanges,
  bundleContract,
  bundleRevision,
  compareContracts,
  gitRoot,
  type ContractChange,
} from './contract-diff.js';
