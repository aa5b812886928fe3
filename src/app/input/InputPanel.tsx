import { AlignmentUpload } from './AlignmentUpload.tsx';
import { FoldButton } from './FoldButton.tsx';
import { ModeNote } from './ModeNote.tsx';
import { RemoteMsa } from './RemoteMsa.tsx';
import { RunSettingsForm } from './RunSettings.tsx';
import { SequenceField } from './SequenceField.tsx';
import { useInputStore } from './store.ts';
import { checkFasta } from './validate.ts';

export function InputPanel() {
  const text = useInputStore((s) => s.text);
  const check = checkFasta(text);
  return (
    <section className="panel" aria-labelledby="input-heading" data-testid="input-panel">
      <h2 id="input-heading">Input</h2>
      <SequenceField check={check} />
      <AlignmentUpload />
      <RemoteMsa />
      <ModeNote />
      <RunSettingsForm />
      <FoldButton check={check} />
    </section>
  );
}
