import { PLDDT_BANDS } from './colors.ts';

/** The AlphaFold Database's model-confidence legend. */
export function PlddtLegend() {
  return (
    <figure className="plddt-legend" aria-label="Model confidence colours (pLDDT)">
      <figcaption>Model confidence</figcaption>
      <ul>
        {PLDDT_BANDS.map((b) => (
          <li key={b.id} data-band={b.id}>
            <span className="swatch" style={{ background: b.color }} aria-hidden="true" />
            <span className="band-label">{b.label}</span> <span className="band-range">({b.range})</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
