/** PlanModels from a size preset (`--dims golden|full`) or from a validated parameter file. */
import { configFromDims, type ValidatedParams } from '../../model/params/config.ts';
import { PRESETS, type PresetName, presetLayout } from '../../model/params/presets.ts';
import { buildSchema, concreteShapes } from '../../model/params/schema.ts';
import type { PlanModel } from './types.ts';

export function planModelFromPreset(
  preset: PresetName,
  opts: { ptm?: boolean; templates?: boolean } = {},
): PlanModel {
  const layout = presetLayout(opts);
  const schema = buildSchema(layout);
  const dims = PRESETS[preset];
  return {
    name: `${preset} (model_1${layout.ptmHead ? '_ptm' : ''} sizes${layout.templates ? '' : ', no templates'})`,
    config: configFromDims(dims, layout, schema),
    shapes: concreteShapes(schema, dims),
  };
}

export function planModelFromParams(v: ValidatedParams, name: string): PlanModel {
  return { name, config: v.config, shapes: v.shapes };
}
