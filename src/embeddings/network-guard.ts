// Models load from models/ only: the thread that loads and runs them gets no network at all.
// Every attempt is recorded (so tests and `readyz` can show none happened) and then refused.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export interface NetworkGuard {
  /** One line per refused attempt: which API and what it tried to reach. */
  readonly attempts: string[];
  restore(): void;
}

function describe(target: unknown): string {
  if (typeof target === 'string') return target;
  if (target instanceof URL) return target.href;
  if (target && typeof target === 'object') {
    const t = target as { url?: unknown; href?: unknown; host?: unknown; hostname?: unknown; port?: unknown; path?: unknown };
    if (typeof t.url === 'string') return t.url; // a fetch Request
    if (typeof t.href === 'string') return t.href;
    return `${String(t.hostname ?? t.host ?? '?')}:${String(t.port ?? '')}${typeof t.path === 'string' ? t.path : ''}`;
  }
  return String(target);
}

type Patchable = Record<string, unknown>;

/** Replaces fetch, http(s).request/get and net.connect/createConnection in this thread. */
export function installNetworkGuard(context = 'this thread'): NetworkGuard {
  const attempts: string[] = [];
  const refuse = (api: string, target: unknown) => {
    const line = `${api} ${describe(target)}`;
    attempts.push(line);
    return new Error(`network access is disabled in ${context} (models load from models/ only): ${line}`);
  };
  const patches: [Patchable, string, unknown][] = [];
  const patch = (owner: object, name: string, replacement: unknown) => {
    const o = owner as Patchable;
    patches.push([o, name, o[name]]);
    o[name] = replacement;
  };
  patch(globalThis, 'fetch', (input: unknown) => Promise.reject(refuse('fetch', input)));
  for (const [label, mod] of [['http', http], ['https', https]] as const) {
    for (const fn of ['request', 'get']) {
      patch(mod, fn, (target: unknown) => {
        throw refuse(`${label}.${fn}`, target);
      });
    }
  }
  for (const fn of ['connect', 'createConnection']) {
    patch(net, fn, (target: unknown) => {
      throw refuse(`net.${fn}`, target);
    });
  }
  return {
    attempts,
    restore() {
      for (const [owner, name, original] of patches.reverse()) owner[name] = original;
      patches.length = 0;
    },
  };
}
