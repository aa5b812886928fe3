import { type KeyboardEvent, type PointerEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Prediction } from '../../model/output/types.ts';
import { PAE_RAMP, paeImagePixels } from './colors.ts';
import {
  type Cell,
  cellsToSelection,
  formatRange,
  moveCell,
  type PaeSelection,
  pointToCell,
} from './selection.ts';
import { residueName, residueNumber } from './summary.ts';
import { residueTicks } from './ticks.ts';

export interface PaeHeatmapProps {
  prediction: Prediction;
  pae: Float32Array;
  maxPae: number;
  selection: PaeSelection | null;
  onSelect: (selection: PaeSelection | null) => void;
}

/** Colour-bar ticks every 5 Å (AFDB), ending at the range maximum. */
function paeTicks(maxPae: number): number[] {
  const t: number[] = [];
  for (let v = 0; v <= maxPae + 1e-9; v += 5) t.push(v);
  return t;
}

const GRADIENT = `linear-gradient(to right, ${PAE_RAMP.map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`).join(', ')})`;

/**
 * The PAE matrix as the AFDB draws it: x = scored residue, y = aligned residue, dark green =
 * low expected error. Hover (or arrow keys) reads a value; drag (or Shift + arrows) selects a
 * rectangle whose residues are selected and focused in the 3D view.
 */
export function PaeHeatmap({ prediction, pae, maxPae, selection, onSelect }: PaeHeatmapProps) {
  const n = prediction.plddt.length;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [cursor, setCursor] = useState<Cell | null>(null);
  const [drag, setDrag] = useState<{ anchor: Cell; current: Cell } | null>(null);
  const [anchor, setAnchor] = useState<Cell | null>(null);
  const titleId = useId();
  const readoutId = useId();
  const pixels = useMemo(() => paeImagePixels(pae, n, maxPae), [pae, n, maxPae]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || n === 0) return;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(pixels), n, n), 0, 0);
  }, [pixels, n]);

  const cellAt = (e: PointerEvent<HTMLCanvasElement>): Cell => {
    const box = e.currentTarget.getBoundingClientRect();
    return pointToCell(e.clientX - box.left, e.clientY - box.top, box.width, box.height, n);
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const c = cellAt(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ anchor: c, current: c });
    setCursor(c);
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const c = cellAt(e);
    setCursor(c);
    if (drag) setDrag({ anchor: drag.anchor, current: c });
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag) return;
    const c = cellAt(e);
    setDrag(null);
    setAnchor(drag.anchor);
    onSelect(cellsToSelection(drag.anchor, c));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, [number, number]> = {
      ArrowRight: [1, 0],
      ArrowLeft: [-1, 0],
      ArrowDown: [0, 1],
      ArrowUp: [0, -1],
    };
    const mv = moves[e.key];
    if (mv) {
      e.preventDefault();
      const step = e.ctrlKey || e.metaKey ? 10 : 1;
      const from = cursor ?? { x: 0, y: 0 };
      const next = cursor ? moveCell(from, mv[0] * step, mv[1] * step, n) : from;
      setCursor(next);
      if (e.shiftKey) {
        const a = anchor ?? from;
        setAnchor(a);
        onSelect(cellsToSelection(a, next));
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const c = cursor ?? { x: 0, y: 0 };
      setCursor(c);
      setAnchor(c);
      onSelect(cellsToSelection(c, c));
    } else if (e.key === 'Escape') {
      setAnchor(null);
      onSelect(null);
    }
  };

  const shown = drag ? cellsToSelection(drag.anchor, drag.current) : selection;
  const pct = (i: number) => `${(i / n) * 100}%`;
  const c = cursor;
  const readout = c
    ? `Scored residue ${residueNumber(prediction, c.x)} ${residueName(prediction, c.x)}, aligned residue ${residueNumber(prediction, c.y)} ${residueName(prediction, c.y)}: PAE ${pae[c.y * n + c.x].toFixed(2)} Å`
    : 'Hover the map, or focus it and use the arrow keys, to read a value.';
  const num = (i: number) => residueNumber(prediction, i);

  return (
    <section className="results-card pae-card" aria-labelledby={titleId}>
      <div className="card-head">
        <h3 id={titleId}>Predicted aligned error</h3>
        <button type="button" className="small" onClick={() => onSelect(null)} disabled={!selection}>
          Clear selection
        </button>
      </div>
      <div className="pae-layout">
        <span className="pae-ylabel">Aligned residue</span>
        <div className="pae-plot">
          <div className="pae-yticks" aria-hidden="true">
            {residueTicks(n, 6).map((t) => (
              <span key={t} style={{ top: pct(t - 0.5) }}>
                {num(t - 1)}
              </span>
            ))}
          </div>
          <div className="pae-frame">
            <canvas
              ref={canvas}
              width={Math.max(1, n)}
              height={Math.max(1, n)}
              className="pae-canvas"
              data-testid="pae-canvas"
              tabIndex={0}
              role="img"
              aria-label={`Predicted aligned error heatmap, ${n} by ${n} residues, 0 to ${maxPae} Å; x is the scored residue, y the aligned residue. Arrow keys move, Shift plus arrows select a rectangle, Enter selects a cell, Escape clears.`}
              aria-describedby={readoutId}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => setDrag(null)}
              onPointerLeave={() => !drag && setCursor(null)}
              onKeyDown={onKeyDown}
            />
            {shown && (
              <div
                className="pae-selection"
                data-testid="pae-selection"
                style={{
                  left: pct(shown.scored.start),
                  width: pct(shown.scored.end - shown.scored.start + 1),
                  top: pct(shown.aligned.start),
                  height: pct(shown.aligned.end - shown.aligned.start + 1),
                }}
              />
            )}
            {c && (
              <div
                className="pae-cursor"
                style={{ left: pct(c.x), top: pct(c.y), width: pct(1), height: pct(1) }}
                aria-hidden="true"
              />
            )}
          </div>
          <div className="pae-xticks" aria-hidden="true">
            {residueTicks(n, 6).map((t) => (
              <span key={t} style={{ left: pct(t - 0.5) }}>
                {num(t - 1)}
              </span>
            ))}
          </div>
          <span className="pae-xlabel">Scored residue</span>
        </div>
      </div>
      <p id={readoutId} className="readout" aria-live="polite" data-testid="pae-readout">
        {readout}
      </p>
      <p className="readout selection-readout" data-testid="pae-selection-readout">
        {selection
          ? `Selected in 3D: scored residues ${formatRange(selection.scored, num)}, aligned residues ${formatRange(selection.aligned, num)}`
          : 'Drag a rectangle on the map to select and focus those residues in the 3D view.'}
      </p>
      <div
        className="pae-colorbar"
        aria-label={`Colour scale: 0 Å dark green to ${maxPae} Å white`}
        role="img"
      >
        <div className="bar" style={{ background: GRADIENT }} />
        <div className="ticks">
          {paeTicks(maxPae).map((v) => (
            <span key={v} style={{ left: `${(v / maxPae) * 100}%` }}>
              {v}
            </span>
          ))}
        </div>
        <div className="bar-label">Expected position error (Ångströms)</div>
      </div>
    </section>
  );
}
