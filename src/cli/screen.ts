// ./bin/stalking-screener screen [--in FILE|-] [--out FILE|-]   (CONTRACT §3)
// Streams JSONL: one line in, one result out, in input order, in bounded memory. The default
// screener unless --mode names another (factory.ts MODES).
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { createScreener, isMode, MODES } from '../screening/factory.ts';
import { parseRecord } from '../screening/record.ts';
import { parseOptions, UsageError } from './args.ts';

export async function run(args: string[]): Promise<number> {
  let options: Record<string, string | boolean>;
  try {
    ({ options } = parseOptions(args, { in: 'string', out: 'string', mode: 'string' }));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`screen: ${err.message}\nusage: stalking-screener screen [--in FILE|-] [--out FILE|-] [--mode ${MODES.join('|')}]\n`);
      return 2;
    }
    throw err;
  }
  const inPath = (options.in as string | undefined) ?? '-';
  const outPath = (options.out as string | undefined) ?? '-';
  const mode = (options.mode as string | undefined) ?? 'combined';
  if (!isMode(mode)) {
    process.stderr.write(`screen: --mode must be one of ${MODES.join(', ')}\n`);
    return 2;
  }

  const input = inPath === '-' ? process.stdin : createReadStream(inPath);
  const output: Writable = outPath === '-' ? process.stdout : createWriteStream(outPath);
  const opened = await new Promise<Error | null>((resolve) => {
    if (inPath === '-') return resolve(null);
    input.once('open', () => resolve(null));
    input.once('error', (err: Error) => resolve(err));
  });
  if (opened) {
    process.stderr.write(`screen: cannot read ${inPath}: ${opened.message}\n`);
    return 2;
  }

  const screener = await createScreener({ mode });
  const write = async (line: string) => {
    if (!output.write(`${line}\n`)) await once(output, 'drain');
  };
  // Up to IN_FLIGHT records are screened together (the text model runs them in one call); results
  // are written in input order, so memory stays bounded and the order is the input's.
  const IN_FLIGHT = 32;
  const pending: Promise<string>[] = [];
  let lineNo = 0;
  let rejected = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      rejected++;
      process.stderr.write(`${JSON.stringify({ line: lineNo, error: `invalid JSON: ${(err as Error).message}` })}\n`);
      continue;
    }
    const parsed = parseRecord(value);
    if (!parsed.ok) {
      rejected++;
      process.stderr.write(`${JSON.stringify({ line: lineNo, error: parsed.message, field: parsed.field })}\n`);
      continue;
    }
    const result = screener.screen(parsed.record).then((r) => JSON.stringify(r));
    result.catch(() => {}); // handled when its turn to be written comes (and thrown there)
    pending.push(result);
    if (pending.length >= IN_FLIGHT) await write(await pending.shift()!);
  }
  while (pending.length) await write(await pending.shift()!);
  await screener.close();
  if (output !== process.stdout) {
    output.end();
    await once(output, 'finish');
  }
  return rejected > 0 ? 1 : 0;
}
