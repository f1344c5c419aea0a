// The file-backed PGlite store: one process at a time, data and migrations survive a reopen; and the
// export command writes through the same store and leaves an audit entry.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as exportCommand } from '../../src/cli/export.ts';
import { appendAudit, listAudit } from '../../src/store/audit.ts';
import { openStore } from '../../src/store/database.ts';

vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), 'screener-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file-backed PGlite', () => {
  it('refuses a second open of the same folder, keeps data across reopen, and exports via the CLI', async () => {
    const first = await openStore({ dataDir: dir });
    await expect(openStore({ dataDir: dir })).rejects.toThrow(/in use by process \d+/);
    await appendAudit(first.db, { actor: 'test', action: 'key.create', target: 'someone' });
    await first.close();

    const saved = { ...process.env };
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    const out = join(dir, 'decisions.jsonl');
    try {
      expect(await exportCommand(['--out', out])).toBe(0);
      expect(await exportCommand(['--since', 'not a date'])).toBe(2);
    } finally {
      process.env = saved;
    }
    expect(readFileSync(out, 'utf8')).toBe(''); // no decisions yet: an empty, valid JSONL file

    const again = await openStore({ dataDir: dir });
    try {
      const entries = await listAudit(again.db, { limit: 10 });
      expect(entries.map((e) => e.action)).toEqual(['export.decisions', 'key.create']);
      expect(entries[0]!.actor).toMatch(/^cli:/);
      expect(entries[0]!.details).toMatchObject({ count: 0, out });
    } finally {
      await again.close();
    }
  });
});
