/**
 * The order a rank runs one block in under DAP: compute sub-steps, and where each exchange of the
 * partition plan is started (`start`: right after the sub-step that completes its data) and
 * waited for (`wait`: right before the first sub-step that reads its result). Everything in
 * between runs while the exchange is in flight — FastFold's "duality async" pairs. Exchanges
 * waited for in the next block (the MSA back to sequences, the pair back to rows) appear there
 * with `carried: true`, before their first reader, so the loop body is the same for every block.
 */
import type { DapStepName, PartitionPlan } from './types.ts';

export type ScheduleEvent =
  | { op: 'compute'; step: DapStepName; part: string }
  | { op: 'start'; collective: string }
  | { op: 'wait'; collective: string; carried: boolean };

/**
 * Sub-steps of each step, in order (names match the collectives' startAfter / waitBefore).
 * Attention steps: `bias` (the rank's rows of LN(·)·W_b), `project` (LN and the q, k, v, gate
 * projections of the first row chunk, or of all rows when memory allows — the work the bias
 * all-gather hides behind), `attention` (the rest).
 */
const PARTS: Record<DapStepName, string[]> = {
  msa_row_attention_with_pair_bias: ['bias', 'project', 'attention'],
  msa_column_attention: [''],
  msa_column_global_attention: [''],
  msa_transition: [''],
  outer_product_mean: ['project_right', 'project_left', 'outer'],
  triangle_multiplication_outgoing: ['project_right', 'project_left', 'product', 'update'],
  triangle_multiplication_incoming: ['project_left', 'project_right', 'product', 'update'],
  triangle_attention_starting_node: ['bias', 'project', 'attention'],
  triangle_attention_ending_node: ['bias', 'project', 'attention'],
  pair_transition: [''],
};

const full = (step: string, part: string) => (part ? `${step}.${part}` : step);
const NEXT = 'next block: ';

/** The events of one block, in order. */
export function blockSchedule(plan: PartitionPlan): ScheduleEvent[] {
  const out: ScheduleEvent[] = [];
  const started = new Set<string>();
  for (const step of plan.steps) {
    const parts = PARTS[step.name];
    parts.forEach((part, i) => {
      const name = full(step.name, part);
      const reads = (w: string) => w === name || (i === 0 && w === step.name);
      for (const c of plan.collectives) {
        if (c.waitBefore.startsWith(NEXT) && reads(c.waitBefore.slice(NEXT.length))) {
          out.push({ op: 'wait', collective: c.id, carried: true });
        } else if (reads(c.waitBefore)) out.push({ op: 'wait', collective: c.id, carried: false });
      }
      out.push({ op: 'compute', step: step.name, part });
      const last = i === parts.length - 1;
      for (const c of plan.collectives) {
        if (started.has(c.id)) continue;
        if (c.startAfter === name || (last && c.startAfter === step.name)) {
          out.push({ op: 'start', collective: c.id });
          started.add(c.id);
        }
      }
    });
  }
  const missing = plan.collectives.filter((c) => !started.has(c.id)).map((c) => c.id);
  if (missing.length)
    throw new Error(`DAP schedule: no sub-step completes the data of ${missing.join(', ')}`);
  return out;
}
