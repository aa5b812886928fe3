import { useEffect } from 'react';
import { useInputStore } from '../input/store.ts';
import { DemoNotice } from './DemoNotice.tsx';
import { ImportForm } from './ImportForm.tsx';
import { ParamsList } from './ParamsList.tsx';
import { StorageNote } from './StorageNote.tsx';
import { useParamsStore } from './store.ts';
import { UrlImport } from './UrlImport.tsx';

export function ParamsPanel() {
  const refresh = useParamsStore((s) => s.refresh);
  const imported = useParamsStore((s) =>
    s.importState.status === 'done' ? s.importState.stored.id : undefined,
  );
  const setSettings = useInputStore((s) => s.setSettings);
  useEffect(() => {
    // After the GPU panel has started its worker (effects run in tree order): the adapter probe
    // comes first, the parameter list a moment later.
    const t = setTimeout(() => void refresh(), 0);
    return () => clearTimeout(t);
  }, [refresh]);
  // A freshly imported set becomes the one to fold with.
  useEffect(() => {
    if (imported) setSettings({ paramsId: imported });
  }, [imported, setSettings]);
  return (
    <section className="panel" aria-labelledby="params-heading" data-testid="params-panel">
      <h2 id="params-heading">Parameters</h2>
      <DemoNotice />
      <ImportForm />
      <UrlImport />
      <ParamsList />
      <StorageNote />
    </section>
  );
}
