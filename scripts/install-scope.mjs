// Which dependencies `npm start` and `npm test` install before they run. `npm start` (the
// script `main`) serves the mock, so it installs only the workspace root (tsx and the contract
// build tools) and the mock: not the native SQLite module of the reference server, whose
// compilation took most of a cold start. `npm test` installs everything.
// Plain JavaScript: it runs before any dependency exists.

/** `pnpm install` selectors of what the mock needs (each project's own dependencies). */
// `...` after a name takes the workspace packages it depends on too (the spec package).
export const mockProjects = ['org-membership-api', '@org-membership-api/mock...'];

/** The install scope a script needs: `mock` for `main`, `all` for anything else. */
export function scopeFor(script) {
  return script === 'main' ? 'mock' : 'all';
}

/**
 * The scope to install now, or undefined when what is installed suffices.
 * `installed`: the scope recorded by the last install (`mock`, `all`), or undefined when
 * nothing is installed; `stale`: the lockfile changed since that install.
 */
export function scopeToInstall(needed, installed, stale) {
  // After a lockfile change `npm start` still installs only the mock's part (and records
  // that), so that the next `npm test` installs the rest.
  if (installed === undefined || stale) return needed;
  return needed === 'all' && installed !== 'all' ? 'all' : undefined;
}

/** The pnpm arguments that install `scope`. */
export function installArgs(scope) {
  const filters = scope === 'mock' ? mockProjects.flatMap((name) => ['--filter', name]) : [];
  return ['install', '--frozen-lockfile', ...filters];
}

/**
 * Lines of dependency build scripts in pnpm's append-only output (what it prints when the
 * output is not a terminal): `.../node_modules/better-sqlite3 install: <line>`. The first
 * (`install$ <command>`) and last (`install: Done`) lines of each script are not counted.
 */
export function isBuildOutput(line) {
  return /^\S+ (preinstall|install|postinstall): /.test(line) && !/: Done$/.test(line);
}
