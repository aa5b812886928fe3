/**
 * `webfold` — the command-line host of the engine (Node, WebGPU through Dawn).
 * Each subcommand lives in commands/<name>.ts and exports `summary`, `usage` and `run(argv)`.
 */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  doctor: () => import('./commands/doctor.ts'),
  'inspect-params': () => import('./commands/inspect-params.ts'),
  'make-params': () => import('./commands/make-params.ts'),
  features: () => import('./commands/features.ts'),
  plan: () => import('./commands/plan.ts'),
  'check-golden': () => import('./commands/check-golden.ts'),
  fold: () => import('./commands/fold.ts'),
};

async function help(): Promise<string> {
  const lines = ['usage: webfold <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const cmd = await load().catch(() => undefined);
    if (cmd) lines.push(`  ${name.padEnd(16)} ${cmd.summary}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`webfold: unknown command '${name}'\n\n${await help()}`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    console.error(`webfold ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
