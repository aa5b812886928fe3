/** An input (FASTA, A3M, options) that cannot become AF2 features; the message names the problem. */
export class FeatureInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureInputError';
  }
}
