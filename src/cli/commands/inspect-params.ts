/**
 * `webfold inspect-params FILE [--model-name N]`: print the AF2 config inferred from a parameter
 * file (.npz, or an AlphaFold params .tar with --model-name) as JSON; exit 1 with the validation error.
 */
import { inspectParams } from '../../model/params/load.ts';
import { fileSource } from '../../model/params/source-node.ts';

export const summary = 'print the AF2 config inferred from a params .npz/.tar (validates keys and shapes)';

export const usage = `usage: webfold inspect-params FILE [--model-name N]

  FILE            params_model_N[_ptm].npz, or alphafold_params_*.tar
  --model-name N  model to pick from a tar, e.g. model_1_ptm

Prints the inferred configuration (channels, heads, head dims, block counts, template stack and
pTM head presence, parameter count) as JSON. Exits 1 and names the key/shape/file on any problem.`;

export async function run(argv: string[]): Promise<number> {
  let file: string | undefined;
  let model: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--model-name') model = argv[++i];
    else if (a.startsWith('--model-name=')) model = a.slice('--model-name='.length);
    else if (a.startsWith('-')) {
      console.error(`webfold inspect-params: unknown option ${a}\n\n${usage}`);
      return 2;
    } else if (file === undefined) file = a;
    else {
      console.error(`webfold inspect-params: one FILE only\n\n${usage}`);
      return 2;
    }
  }
  if (!file) {
    console.error(usage);
    return 2;
  }
  const source = await fileSource(file);
  try {
    const { config, source: npz } = await inspectParams(source, { model });
    console.log(JSON.stringify({ file: npz.name, ...config }, null, 2));
    return 0;
  } finally {
    await source.close?.();
  }
}
