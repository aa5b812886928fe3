import { describe, expect, it } from 'vitest';
import { configFromDims } from '../model/params/config.ts';
import { PRESETS, presetLayout } from '../model/params/presets.ts';
import { buildSchema } from '../model/params/schema.ts';
import { partitionBlock } from './partition.ts';
import { blockSchedule, type ScheduleEvent } from './schedule.ts';

const layout = presetLayout();
const full = configFromDims(PRESETS.full, layout, buildSchema(layout));

describe('blockSchedule', () => {
  for (const stack of ['evoformer', 'extra_msa'] as const) {
    it(`${stack}: every exchange is started once after its data and waited for once before its reader`, () => {
      const plan = partitionBlock(full, stack, { ranks: 4, nRes: 256, nSeq: 64, elementBytes: 4 });
      const ev = blockSchedule(plan);
      for (const c of plan.collectives) {
        const starts = ev.flatMap((e, i) => (e.op === 'start' && e.collective === c.id ? [i] : []));
        const waits = ev.flatMap((e, i) => (e.op === 'wait' && e.collective === c.id ? [i] : []));
        expect(starts, c.id).toHaveLength(1);
        expect(waits, c.id).toHaveLength(1);
        const w = ev[waits[0]] as Extract<ScheduleEvent, { op: 'wait' }>;
        // In steady state a carried wait belongs to the previous block's start: the work in
        // flight is everything after the start plus everything before the wait.
        const computesBetween = w.carried
          ? ev.slice(starts[0]).filter((e) => e.op === 'compute').length +
            ev.slice(0, waits[0]).filter((e) => e.op === 'compute').length
          : ev.slice(starts[0], waits[0]).filter((e) => e.op === 'compute').length;
        if (!w.carried) expect(starts[0], c.id).toBeLessThan(waits[0]);
        if (c.kind === 'all_gather') expect(computesBetween, `${c.id} overlaps no work`).toBeGreaterThan(0);
        // The wait sits right before a compute of the sub-step (or step) that reads the result.
        const reader = ev.slice(waits[0]).find((e) => e.op === 'compute') as Extract<
          ScheduleEvent,
          { op: 'compute' }
        >;
        const readerName = reader.part ? `${reader.step}.${reader.part}` : reader.step;
        const target = c.waitBefore.replace('next block: ', '');
        expect([readerName, reader.step], c.id).toContain(target);
      }
    });
  }

  it('hides the MSA all-to-all back to sequences behind the whole pair stack', () => {
    const plan = partitionBlock(full, 'evoformer', { ranks: 2, nRes: 64, nSeq: 16, elementBytes: 4 });
    const ev = blockSchedule(plan);
    const id = 'evoformer.m.residues_to_sequences';
    const start = ev.findIndex((e) => e.op === 'start' && e.collective === id);
    const after = ev
      .slice(start)
      .filter((e) => e.op === 'compute')
      .map((e) => (e as { step: string }).step);
    for (const s of [
      'outer_product_mean',
      'triangle_multiplication_outgoing',
      'triangle_multiplication_incoming',
      'triangle_attention_starting_node',
      'triangle_attention_ending_node',
      'pair_transition',
    ]) {
      expect(after).toContain(s);
    }
  });

  it('has nothing to exchange on one rank', () => {
    const plan = partitionBlock(full, 'evoformer', { ranks: 1, nRes: 64, nSeq: 16, elementBytes: 4 });
    expect(blockSchedule(plan).every((e) => e.op === 'compute')).toBe(true);
  });
});
