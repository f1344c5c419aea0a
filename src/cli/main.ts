// Entry point of ./bin/stalking-screener: one module per command, loaded only when asked for.
// Each command module exports `run(args: string[]): Promise<number>` returning the exit code.

const commands: Record<string, { module: string; summary: string }> = {
  screen: { module: './screen.ts', summary: 'screen JSONL records: --in FILE|- --out FILE|-' },
  eval: { module: './eval.ts', summary: 'evaluate on a labelled dataset: --dataset FILE --out DIR' },
  validate: { module: './validate.ts', summary: 'check a labelled dataset against the schema: --dataset FILE' },
  serve: { module: './serve.ts', summary: 'start the API (HOST, PORT, DATABASE_URL, DATA_DIR)' },
  keys: { module: './keys.ts', summary: 'keys create --role ROLE --name NAME | keys revoke --name NAME' },
  models: { module: './models.ts', summary: 'models build | list | pull <hub id> | import <dir|tarball>' },
  purge: { module: './purge.ts', summary: 'remove records older than the retention period' },
  export: { module: './export.ts', summary: 'reviewer decisions as labelled JSONL: [--out FILE|-] [--since DATE]' },
  rescreen: { module: './rescreen.ts', summary: 're-screen stored records on the job queue: [--from DATE] [--to DATE] [--recorded-as CLASS] [--outdated] [--workers N] | --compare' },
  drift: { module: './drift.ts', summary: 'flag rates, scores and indicators by day and screener version, with alerts: [--days N] [--json]' },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: stalking-screener <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  process.stderr.write(usage());
  process.exit(name === '--help' || name === '-h' ? 0 : 2);
}
const mod = (await import(command.module)) as { run: (args: string[]) => Promise<number> };
const code = await mod.run(args);
process.exitCode = code;
