import type { Operation } from './contract.js';

export interface RouteMatch {
  /** The path as the contract spells it (server base path removed), which Prism routes on. */
  path: string;
  /** The operation for this path and method, if the contract has one. */
  operation: Operation | undefined;
  /** Every operation on this path (Prism answers 405 from these when the method has none). */
  pathOperations: Operation[];
}

interface Route {
  pattern: RegExp;
  operations: Map<string, Operation>;
  /** Path parts of the operations' server URLs (`/v1`). */
  basePaths: Set<string>;
}

/** The path part of a server URL (`https://api.aerospike.com/v1` → `/v1`), variables filled with defaults. */
function serverBasePath(url: string, variables: Record<string, { default?: string }> = {}): string {
  const filled = url.replace(/\{(\w+)\}/g, (_, name: string) => variables[name]?.default ?? name);
  try {
    return new URL(filled).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/**
 * Finds the contract operation for a request path. Prism ignores server base paths, so the
 * contract's routes are served at the root; a client whose base URL keeps the server's path
 * (`.../v1/organization/members/...`) reaches the same operation.
 */
export function createRouter(operations: Operation[]): (method: string, path: string) => RouteMatch | undefined {
  const routes = new Map<string, Route>();
  for (const operation of operations) {
    let route = routes.get(operation.path);
    if (!route) {
      const source = operation.path
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      route = { pattern: new RegExp(`^${source}$`), operations: new Map(), basePaths: new Set() };
      routes.set(operation.path, route);
    }
    route.operations.set(operation.method.toLowerCase(), operation);
    for (const server of operation.servers ?? []) {
      const basePath = serverBasePath(server.url, server.variables as Record<string, { default?: string }>);
      if (basePath) route.basePaths.add(basePath);
    }
  }
  const all = [...routes.values()];
  return (method, path) => {
    for (const route of all) {
      let routedPath = path;
      if (!route.pattern.test(path)) {
        const basePath = [...route.basePaths].find((base) => path.startsWith(`${base}/`));
        if (!basePath) continue;
        routedPath = path.slice(basePath.length);
        if (!route.pattern.test(routedPath)) continue;
      }
      return {
        path: routedPath,
        operation: route.operations.get(method.toLowerCase()),
        pathOperations: [...route.operations.values()],
      };
    }
    return undefined;
  };
}
