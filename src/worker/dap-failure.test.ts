import { describe, expect, it } from 'vitest';
import { CollectiveError } from '../dap/collectives/collective.ts';
import { dapFailure, rankFailureOf } from './dap-failure.ts';

describe('the message of a split fold that stopped', () => {
  it('names the rank whose own error came first, over the ranks that lost it', () => {
    const lost = new CollectiveError('DAP rank 0: rank 1 (worker) is gone', 1, 'lost');
    const reports = [
      rankFailureOf(0, lost),
      rankFailureOf(1, new Error('GPU device lost: out of memory')),
      rankFailureOf(2, new CollectiveError('DAP rank 2: rank 1 (worker) is gone', 1, 'lost')),
    ];
    expect(reports[0]).toEqual({ rank: 0, message: lost.message, lostRank: 1 });
    expect(reports[1].lostRank).toBeNull();
    const err = dapFailure('workers', 3, reports);
    expect(err.rank).toBe(1);
    expect(err.message).toBe(
      'The fold split over 3 workers stopped: worker rank 1 failed — GPU device lost: out of memory. ' +
        'Nothing was kept; re-run it.',
    );
  });

  it('names the lost rank when only the others reported (a closed tab says nothing)', () => {
    const err = dapFailure('tabs', 2, [
      rankFailureOf(
        0,
        new CollectiveError('DAP rank 0: rank 1 (tab) is gone (its tab was closed)', 1, 'lost'),
      ),
    ]);
    expect(err.rank).toBe(1);
    expect(err.message).toMatch(
      /^The fold split over 2 tabs stopped: tab rank 1 was lost \(DAP rank 0: rank 1/,
    );
  });

  it('reads errors that crossed a realm (name and rank only) and plain values', () => {
    expect(rankFailureOf(3, { name: 'CollectiveError', message: 'x', rank: 0 })).toEqual({
      rank: 3,
      message: 'x',
      lostRank: 0,
    });
    expect(rankFailureOf(2, 'boom')).toEqual({ rank: 2, message: 'boom', lostRank: null });
  });
});
