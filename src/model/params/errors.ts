/**
 * The one error type of the parameter layer. Messages always name the thing (file, member, key,
 * shape) so a user can act on them; `code` lets callers and tests branch without string matching.
 */
export type ParamsErrorCode =
  | 'missing-key'
  | 'unexpected-key'
  | 'wrong-shape'
  | 'truncated'
  | 'corrupt'
  | 'multimer'
  | 'unsupported-dtype'
  | 'fortran-order'
  | 'big-endian'
  | 'bad-npy'
  | 'not-found'
  | 'bad-format';

export class ParamsError extends Error {
  constructor(
    readonly code: ParamsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ParamsError';
  }
}
