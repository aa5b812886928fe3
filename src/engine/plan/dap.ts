/**
 * The DAP part of an ExecutionPlan: the partition of one block of each MSA stack for P ranks
 * (src/dap/partition.ts), bytes exchanged per block and per recycle, and the host memory one rank
 * holds for exchanges in flight. Exchanges go through host memory, so the host peak is the
 * largest exchange of the pair stack plus the MSA all-to-all that overlaps it.
 */
import { partitionBlock } from '../../dap/partition.ts';
import type { DapCollective } from '../../dap/types.ts';
import { dtypeBytes } from './tensor-bytes.ts';
import type { DapPlanSummary, PlanRequest, Precision } from './types.ts';

/** Host bytes one rank holds while `c` is in flight: what it sends and what it receives. */
function hostBytes(c: DapCollective, P: number): number {
  if (c.kind === 'all_to_all') return 2 * c.bytesPerRank;
  return c.bytesPerRank / (P - 1) + c.bytesPerRank;
}

export function dapSummary(req: PlanRequest, storage: Precision, P: number): DapPlanSummary {
  const { config } = req.model;
  const { nRes, nSeq, nExtra, nTempl } = req.sizes;
  const el = dtypeBytes(storage);
  const stacks: DapPlanSummary['stacks'] = [];
  if (config.extraMsa.blocks > 0 && nExtra > 0) {
    const partition = partitionBlock(config, 'extra_msa', { ranks: P, nRes, nSeq: nExtra, elementBytes: el });
    stacks.push({ stack: 'extra_msa', blocks: config.extraMsa.blocks, partition });
  }
  if (config.evoformer.blocks > 0) {
    const partition = partitionBlock(config, 'evoformer', {
      ranks: P,
      nRes,
      nSeq: nSeq + nTempl,
      elementBytes: el,
    });
    stacks.push({ stack: 'evoformer', blocks: config.evoformer.blocks, partition });
  }
  let host = 0;
  for (const s of stacks) {
    const all = s.partition.collectives;
    const overlapped = all.find((c) => c.id.endsWith('m.residues_to_sequences'));
    const base = overlapped ? hostBytes(overlapped, P) : 0;
    for (const c of all) host = Math.max(host, c === overlapped ? base : base + hostBytes(c, P));
  }
  return {
    ranks: P,
    paddedResidues: stacks[0]?.partition.residues.padded ?? Math.ceil(nRes / P) * P,
    stacks,
    bytesPerRecycle: stacks.reduce((a, s) => a + s.blocks * s.partition.perBlock.bytesTotal, 0),
    hostBytesPerRank: host,
  };
}
