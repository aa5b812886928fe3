import { type KeyboardEvent, type PointerEvent, useId, useMemo } from 'react';
import type { Prediction } from '../../model/output/types.ts';
import { PLDDT_BANDS, plddtBand } from './colors.ts';
import { nearestResidue } from './selection.ts';
import { residueName, residueNumber } from './summary.ts';
import { residueTicks } from './ticks.ts';

const W = 640;
const H = 220;
const M = { left: 44, right: 12, top: 12, bottom: 36 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export interface PlddtPlotProps {
  prediction: Prediction;
  /** residue under the cursor anywhere in the view (plot, 3D, heatmap), or null */
  hovered: number | null;
  onHover: (residue: number | null) => void;
}

/** Per-residue pLDDT as a line over the AFDB confidence bands, with a hover/keyboard readout. */
export function PlddtPlot({ prediction, hovered, onHover }: PlddtPlotProps) {
  const { plddt } = prediction;
  const n = plddt.length;
  const titleId = useId();
  const readoutId = useId();
  const x = (i: number) => M.left + (n <= 1 ? PW / 2 : (i / (n - 1)) * PW);
  const y = (v: number) => M.top + (1 - v / 100) * PH;
  const path = useMemo(() => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const px = M.left + (n <= 1 ? PW / 2 : (i / (n - 1)) * PW);
      const py = M.top + (1 - plddt[i] / 100) * PH;
      parts.push(`${i === 0 ? 'M' : 'L'}${px.toFixed(2)},${py.toFixed(2)}`);
    }
    return parts.join('');
  }, [plddt, n]);

  const pick = (e: PointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const sx = ((e.clientX - box.left) / box.width) * W - M.left;
    if (sx < -4 || sx > PW + 4) return onHover(null);
    onHover(nearestResidue(sx / PW, n));
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 10 : 1;
    const cur = hovered ?? -1;
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = Math.min(n - 1, cur + step);
    else if (e.key === 'ArrowLeft') next = Math.max(0, (cur < 0 ? n : cur) - step);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    else if (e.key === 'Escape') return onHover(null);
    else return;
    e.preventDefault();
    onHover(next);
  };

  const h = hovered !== null && hovered < n ? hovered : null;
  const readout =
    h === null
      ? 'Hover or use the arrow keys to read a residue.'
      : `Residue ${residueNumber(prediction, h)} ${residueName(prediction, h)}: pLDDT ${plddt[h].toFixed(1)} (${plddtBand(plddt[h]).label})`;

  return (
    <section className="results-card plot-card" aria-labelledby={titleId}>
      <h3 id={titleId}>Predicted LDDT per residue</h3>
      <div
        className="plddt-plot-host"
        role="slider"
        tabIndex={0}
        aria-label={`pLDDT per residue for ${n} residues, 0 to 100. Arrow keys move along the chain.`}
        aria-valuemin={1}
        aria-valuemax={n}
        aria-valuenow={(h ?? 0) + 1}
        aria-valuetext={readout}
        aria-describedby={readoutId}
        data-testid="plddt-plot"
        onPointerMove={pick}
        onPointerLeave={() => onHover(null)}
        onKeyDown={onKey}
        onBlur={() => onHover(null)}
      >
        <svg className="plddt-plot" viewBox={`0 0 ${W} ${H}`} aria-hidden="true">
          {PLDDT_BANDS.map((b) => (
            <rect
              key={b.id}
              x={M.left}
              width={PW}
              y={y(b.max)}
              height={y(b.min) - y(b.max)}
              fill={b.color}
              opacity={0.22}
            />
          ))}
          {[0, 50, 70, 90, 100].map((v) => (
            <g key={v}>
              <line x1={M.left - 4} x2={M.left} y1={y(v)} y2={y(v)} className="axis" />
              <text x={M.left - 7} y={y(v) + 4} textAnchor="end" className="tick">
                {v}
              </text>
            </g>
          ))}
          {residueTicks(n).map((t) => (
            <g key={t}>
              <line x1={x(t - 1)} x2={x(t - 1)} y1={M.top + PH} y2={M.top + PH + 4} className="axis" />
              <text x={x(t - 1)} y={M.top + PH + 16} textAnchor="middle" className="tick">
                {residueNumber(prediction, t - 1)}
              </text>
            </g>
          ))}
          <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + PH} className="axis" />
          <line x1={M.left} x2={M.left + PW} y1={M.top + PH} y2={M.top + PH} className="axis" />
          <text x={M.left + PW / 2} y={H - 4} textAnchor="middle" className="axis-title">
            Residue
          </text>
          <text
            x={12}
            y={M.top + PH / 2}
            textAnchor="middle"
            className="axis-title"
            transform={`rotate(-90 12 ${M.top + PH / 2})`}
          >
            pLDDT
          </text>
          <path d={path} className="plddt-line" fill="none" />
          {h !== null && (
            <g className="cursor" pointerEvents="none">
              <line x1={x(h)} x2={x(h)} y1={M.top} y2={M.top + PH} />
              <circle cx={x(h)} cy={y(plddt[h])} r={4} fill={plddtBand(plddt[h]).color} />
            </g>
          )}
        </svg>
      </div>
      <p id={readoutId} className="readout" aria-live="polite" data-testid="plddt-readout">
        {readout}
      </p>
    </section>
  );
}
