/** The remote-MSA error type: `code` for callers and tests, a message a user can act on. */
export type RemoteMsaErrorCode =
  | 'bad-query'
  | 'bad-server-url'
  | 'network'
  | 'http'
  | 'not-json'
  | 'server-error'
  | 'maintenance'
  | 'rate-limited'
  | 'lost-ticket'
  | 'bad-archive'
  | 'no-a3m'
  | 'cancelled';

export class RemoteMsaError extends Error {
  constructor(
    readonly code: RemoteMsaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code === 'cancelled' ? 'CancelledError' : 'RemoteMsaError';
  }
}
