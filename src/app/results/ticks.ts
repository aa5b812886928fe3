/** Axis ticks for residue axes: 1-based positions at "nice" steps (1, 2, 5 × 10^k). */
export function residueTicks(n: number, max = 8): number[] {
  if (n <= 1) return [1];
  const raw = (n - 1) / max;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow);
  const ticks = [1];
  for (let t = step; t <= n; t += step) if (t > 1) ticks.push(Math.round(t));
  return ticks;
}
