/**
 * `webfold make-params --dims golden|full --seed S --out FILE.npz [--no-ptm] [--no-templates]`:
 * random parameters in the official AF2 key schema, streamed to disk one array at a time.
 */
import { open } from 'node:fs/promises';
import { configFromDims } from '../../model/params/config.ts';
import { NpzStreamWriter } from '../../model/params/npz-write.ts';
import { PRESETS, type PresetName, presetLayout } from '../../model/params/presets.ts';
import { randomParams } from '../../model/params/random-params.ts';
import { buildSchema } from '../../model/params/schema.ts';

export const summary = 'write random AF2 parameters (golden or full model_1_ptm sizes) as .npz';

export const usage = `usage: webfold make-params --dims golden|full --seed S --out FILE.npz [--no-ptm] [--no-templates]

  --dims golden|full   golden test sizes, or real model_1_ptm sizes (93.2 M parameters, ~373 MB)
  --seed S             integer seed of the PRNG (default 0)
  --out FILE.npz       output path
  --no-ptm             leave out predicted_aligned_error_head (like params_model_N.npz)
  --no-templates       leave out the template stack (like models 3-5)`;

export async function run(argv: string[]): Promise<number> {
  let dims: string | undefined;
  let seed = 0;
  let out: string | undefined;
  let ptm = true;
  let templates = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dims') dims = argv[++i];
    else if (a === '--seed') seed = Number(argv[++i]);
    else if (a === '--out') out = argv[++i];
    else if (a === '--no-ptm') ptm = false;
    else if (a === '--no-templates') templates = false;
    else {
      console.error(`webfold make-params: unknown argument ${a}\n\n${usage}`);
      return 2;
    }
  }
  if (dims !== 'golden' && dims !== 'full') {
    console.error(
      `webfold make-params: --dims must be golden or full (got ${dims ?? 'nothing'})\n\n${usage}`,
    );
    return 2;
  }
  if (!out) {
    console.error(`webfold make-params: --out FILE.npz is required\n\n${usage}`);
    return 2;
  }
  if (!Number.isInteger(seed)) {
    console.error('webfold make-params: --seed must be an integer');
    return 2;
  }
  const preset = PRESETS[dims as PresetName];
  const layout = presetLayout({ ptm, templates });
  const schema = buildSchema(layout);
  const config = configFromDims(preset, layout, schema);
  const handle = await open(out, 'w');
  let bytes = 0;
  try {
    const writer = new NpzStreamWriter({
      write: async (chunk) => {
        await handle.write(chunk);
      },
    });
    for (const [key, array] of randomParams(schema, preset, seed)) await writer.add(key, array);
    bytes = await writer.finish();
  } finally {
    await handle.close();
  }
  console.log(
    JSON.stringify(
      { out, dims, seed, arrays: config.arrayCount, parameters: config.parameterCount, bytes },
      null,
      2,
    ),
  );
  return 0;
}
