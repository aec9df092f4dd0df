// Summarises a V8 CPU profile (node --cpu-prof) by self time: the functions and the packages
// the busy time goes to. Idle time is left out of the percentages.

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  target: string;
  seconds: number;
  /** CPU-busy milliseconds (everything but idle). */
  busyMs: number;
  idleMs: number;
  topFunctions: Array<{ function: string; location: string; selfMs: number; percent: number }>;
  byOwner: Array<{ owner: string; selfMs: number; percent: number }>;
}

/** Who a script belongs to: an npm package, one of ours, Node itself, or V8. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native code (C++ bindings, V8 builtins)';
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/packages\/([^/]+)\//.exec(url);
  if (ours) return `@org-membership-api/${ours[1]}`;
  return url.replace(/^file:\/\//, '');
}

function shortLocation(url: string, line: number): string {
  if (!url) return '';
  const trimmed = url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\/(?!.*node_modules\/)/, '')
    .replace(/^.*\/packages\//, 'packages/');
  return `${trimmed}:${line + 1}`;
}

export function summariseProfile(target: string, profile: CpuProfile, seconds: number, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  // Native functions have no script: name the nearest JavaScript caller's owner instead.
  const callerOwner = (id: number): string => {
    for (let parent = parentOf.get(id); parent !== undefined; parent = parentOf.get(parent)) {
      const frame = byId.get(parent)!.callFrame;
      if (frame.url) return ownerOf(frame.url, frame.functionName);
    }
    return '';
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, { function: string; location: string; owner: string; us: number }>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const caller = url || functionName.startsWith('(') ? '' : callerOwner(id);
    const key = `${functionName}|${url}|${lineNumber}|${caller}`;
    const location = caller ? `native, called from ${caller}` : shortLocation(url, lineNumber);
    const entry = functions.get(key) ?? {
      function: functionName || '(anonymous)',
      location,
      owner: ownerOf(url, functionName),
      us: 0,
    };
    entry.us += us;
    functions.set(key, entry);
  }
  const busyUs = [...functions.values()].reduce((sum, f) => sum + f.us, 0);
  const percent = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  const owners = new Map<string, number>();
  for (const f of functions.values()) owners.set(f.owner, (owners.get(f.owner) ?? 0) + f.us);
  return {
    target,
    seconds,
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({
        function: f.function,
        location: f.location,
        selfMs: Math.round(f.us / 1000),
        percent: percent(f.us),
      })),
    byOwner: [...owners.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([owner, us]) => ({ owner, selfMs: Math.round(us / 1000), percent: percent(us) })),
  };
}
