import { useInputStore } from './store.ts';

/** Single-sequence vs MSA mode, with what it means for confidence. */
export function ModeNote() {
  const alignment = useInputStore((s) => s.alignment);
  if (alignment) {
    return (
      <p className="mode-note" data-testid="mode-msa">
        <span className="badge badge-good">MSA mode</span> {alignment.rows} aligned sequences inform the
        prediction.
      </p>
    );
  }
  return (
    <p className="mode-note" data-testid="mode-single">
      <span className="badge badge-warn">Single-sequence mode</span> No MSA: AlphaFold2 is much less accurate
      and its confidence (pLDDT) lower without homologous sequences. Upload an A3M (e.g. from ColabFold's
      MMseqs2 search) for a real prediction.
    </p>
  );
}
