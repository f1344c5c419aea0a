// The pipeline's stages never import the factory that assembles them (or each other in a circle):
// factory.ts imports the stages, and nothing imports factory.ts back. A circle of modules is how a
// change in one stage silently reorders another's initialisation.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Static value imports of each module (type-only imports and dynamic import() are left out). */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(\.{1,2}\/[^']+\.ts)';/gms)].map((m) => resolve(file, '..', m[1]!));
    g.set(file, deps);
  }
  return g;
}

function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of g.get(n) ?? []) {
      if (state.get(d) === 'open') found.push(stack.slice(stack.indexOf(d)).map((f) => f.slice(SRC.length + 1)));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of g.keys()) if (!state.has(n)) visit(n);
  return found;
}

describe('module imports', () => {
  it('have no cycles in src/', () => {
    expect(cycles(graph())).toEqual([]);
  });

  it('keep factory.ts out of the stages: no stage imports it', () => {
    const g = graph();
    const importers = [...g.entries()].filter(([, deps]) => deps.some((d) => d.endsWith('/screening/factory.ts'))).map(([f]) => f.slice(SRC.length + 1));
    expect(importers.filter((f) => f.startsWith('screening/'))).toEqual([]);
  });
});
