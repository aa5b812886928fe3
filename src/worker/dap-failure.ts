/**
 * What the user reads when a fold split over several ranks (DAP) stops: which rank failed, over
 * which transport, and why — the rank that failed first, not one that stopped because of it.
 * Pure, so it is tested without workers or tabs.
 */
import type { DapTransportKind } from './dap-api.ts';

export class DapFoldError extends Error {
  override name = 'DapFoldError';
  constructor(
    message: string,
    /** the rank at fault, when one is known */
    readonly rank: number | null,
  ) {
    super(message);
  }
}

/** One rank's report of how its part ended badly. */
export interface RankFailure {
  /** the rank that reports */
  rank: number;
  message: string;
  /** for a CollectiveError: the rank it names (the one that was lost); null for the rank's own error */
  lostRank: number | null;
}

/** A rank's error as a report: CollectiveErrors (by name, across realms) carry the rank they name. */
export function rankFailureOf(rank: number, err: unknown): RankFailure {
  const e = err as { name?: unknown; message?: unknown; rank?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const lostRank = e?.name === 'CollectiveError' && typeof e.rank === 'number' ? e.rank : null;
  return { rank, message, lostRank };
}

const what = (transport: DapTransportKind, rank: number) =>
  transport === 'workers' ? `worker rank ${rank}` : `tab rank ${rank}`;

/**
 * The job's error from every report received: a rank's own error wins over the others' reports
 * of losing it; else the rank the reports name.
 */
export function dapFailure(transport: DapTransportKind, size: number, reports: RankFailure[]): DapFoldError {
  const over = `${size} ${transport === 'workers' ? 'workers' : 'tabs'}`;
  const own = reports.find((r) => r.lostRank === null || r.lostRank === r.rank);
  if (own) {
    return new DapFoldError(
      `The fold split over ${over} stopped: ${what(transport, own.rank)} failed — ${own.message}. ` +
        'Nothing was kept; re-run it.',
      own.rank,
    );
  }
  const lost = reports[0];
  const rank = lost?.lostRank ?? null;
  return new DapFoldError(
    `The fold split over ${over} stopped: ${rank === null ? 'a rank' : what(transport, rank)} was lost` +
      `${lost ? ` (${lost.message})` : ''}. Nothing was kept; re-run it.`,
    rank,
  );
}
