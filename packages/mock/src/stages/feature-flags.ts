import { isJson, type Operation } from '../contract.js';
import type { Preferences } from './prefer.js';

/** Flag name → the keys of the 200 examples that show that flag on and off. */
type FlagExamples = Map<string, { on?: string; off?: string }>;

function flagExamplesOf(operation: Operation): FlagExamples | undefined {
  const found: FlagExamples = new Map();
  const ok = operation.responses.find((response) => response.code === '200');
  for (const content of ok?.contents ?? []) {
    if (!isJson(content.mediaType)) continue;
    for (const example of content.examples ?? []) {
      const value = 'value' in example ? (example.value as unknown) : undefined;
      if (typeof value !== 'object' || value === null) continue;
      const { name, enabled } = value as { name?: unknown; enabled?: unknown };
      if (typeof name !== 'string' || typeof enabled !== 'boolean') continue;
      const keys = found.get(name) ?? {};
      keys[enabled ? 'on' : 'off'] ??= example.key;
      found.set(name, keys);
    }
  }
  return found.size > 0 ? found : undefined;
}

export interface FeatureFlagStage {
  /** The flag names the contract has an "off" example for (what `--disable-feature-flag` accepts). */
  known: string[];
  /** The preferences a request gets: the example of the flag it reads, where it asked for none. */
  apply(operation: Operation, path: string, preferences: Preferences): Preferences;
}

/**
 * Reading a feature flag the contract has examples of answers the example that names it: on,
 * or off when the mock was started with `--disable-feature-flag NAME` (the cf CLI v6 then
 * takes its role routes by user guid, which it cannot be told to with `Prefer`). A read of
 * another flag, or a request that picks its response with `Prefer` (dynamic bodies included), is
 * answered as before.
 * Found from the 200 examples (`name`, `enabled`): an operation documenting such examples
 * needs no code.
 */
export function createFeatureFlagStage(
  operations: Operation[],
  options: { disabled: readonly string[]; dynamic: boolean },
): FeatureFlagStage {
  const { disabled } = options;
  const flagExamples = new Map<Operation, FlagExamples>();
  for (const operation of operations) {
    const found = flagExamplesOf(operation);
    if (found) flagExamples.set(operation, found);
  }
  const known = [
    ...new Set(
      [...flagExamples.values()].flatMap((found) => [...found].filter(([, keys]) => keys.off).map(([name]) => name)),
    ),
  ].sort();
  const unknown = disabled.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new Error(
      `no feature flag ${unknown.join(', ')} in the contract's examples: --disable-feature-flag takes ${known.join(', ')}`,
    );
  const off = new Set(disabled);
  return {
    known,
    apply(operation, path, preferences) {
      if (preferences.code !== undefined || preferences.exampleKey !== undefined || preferences.dynamic)
        return preferences;
      const found = flagExamples.get(operation);
      if (!found) return preferences;
      // The flag is the path's last segment (GET /v2/config/feature_flags/{name}).
      let name: string;
      try {
        name = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
      } catch {
        return preferences;
      }
      const keys = found.get(name);
      // A mock generating its bodies (--dynamic) names the flag only where it was told it is off.
      const exampleKey = off.has(name) ? keys?.off : options.dynamic ? undefined : keys?.on;
      return exampleKey === undefined ? preferences : { ...preferences, code: 200, exampleKey };
    },
  };
}
