export type InstallScope = 'mock' | 'all';
/** `pnpm install` selectors of what the mock needs. */
export const mockProjects: string[];
/** The install scope a script needs: `mock` for `main`, `all` for anything else. */
export function scopeFor(script: string): InstallScope;
/** The scope to install now, or undefined when what is installed suffices. */
export function scopeToInstall(
  needed: InstallScope,
  installed: InstallScope | undefined,
  stale: boolean,
): InstallScope | undefined;
/** The pnpm arguments that install `scope`. */
export function installArgs(scope: InstallScope): string[];
/** Whether a line of pnpm's append-only output is the output of a dependency build script. */
export function isBuildOutput(line: string): boolean;
