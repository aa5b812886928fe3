/** A fold that cannot be planned: names the stage (or module), what it needs and the limit. */
export class PlanError extends Error {
  override name = 'PlanError';
  constructor(
    /** Stage or module that does not fit, e.g. `evoformer.triangle_multiplication_outgoing`. */
    readonly stage: string,
    /** What was needed: bytes, or workgroups. */
    readonly needed: number,
    /** The budget or limit it was compared with. */
    readonly limit: number,
    /** Which limit: `budget`, `maxBufferBytes`, `maxComputeWorkgroupsPerDimension`, … */
    readonly limitName: string,
    detail = '',
  ) {
    super(
      `cannot plan ${stage}: needs ${quantity(needed, limitName)}, ${limitName} is ${quantity(limit, limitName)}${
        detail ? ` (${detail})` : ''
      }`,
    );
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.name,
      stage: this.stage,
      needed: this.needed,
      limit: this.limit,
      limitName: this.limitName,
      message: this.message,
    };
  }
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

function quantity(n: number, limitName: string): string {
  return limitName.includes('Workgroups') ? `${n} workgroups` : `${n} bytes (${formatBytes(n)})`;
}
