/** Small, pure formatting helpers of the GPU panel. */

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

const BYTE_LIMIT = /Size$/;

/** Formats a device limit: byte sizes in KiB/MiB/GiB (with the exact count), others grouped. */
export function formatLimit(name: string, value: number): string {
  if (!BYTE_LIMIT.test(name)) return value.toLocaleString('en-US');
  return `${formatBytes(value)} (${value.toLocaleString('en-US')} B)`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || Number.isInteger(v) ? 0 : v < 10 ? 2 : 1;
  return `${v.toFixed(digits)} ${units[i]}`;
}

/** An error magnitude in compact scientific notation (0 stays 0). */
export function formatError(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(2);
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}
