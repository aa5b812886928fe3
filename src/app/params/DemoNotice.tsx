import { DEMO_LABEL } from '../../worker/fold-api.ts';

/** What the demo set is, and how to get the real parameters. */
export function DemoNotice() {
  return (
    <div className="notice" data-testid="demo-notice">
      <p>
        <strong>Demo parameters ship with webfold:</strong> {DEMO_LABEL}. They are random weights of a tiny
        AlphaFold2-shaped model, so a first visit can run the whole pipeline; the structures and confidences
        they produce are meaningless.
      </p>
      <details>
        <summary>How to get the official AlphaFold2 parameters</summary>
        <ol>
          <li>
            Download DeepMind's archive (CC BY 4.0, ≈5.3 GB):{' '}
            <code>https://storage.googleapis.com/alphafold/alphafold_params_2022-12-06.tar</code>
          </li>
          <li>
            Import the whole <code>.tar</code> below and pick a model (e.g. <code>model_1_ptm</code>), or
            extract one <code>params_model_N[_ptm].npz</code> (≈370 MB) and import that. Multimer files are
            not supported.
          </li>
          <li>
            Prefer a <code>_ptm</code> model: it also predicts the PAE and pTM. The set is stored in this
            browser once (≈370 MB); nothing is uploaded anywhere.
          </li>
        </ol>
      </details>
    </div>
  );
}
