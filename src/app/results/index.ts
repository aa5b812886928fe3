/** The results view: what the jobs page mounts for a finished fold. */
export { ResultsView, type ResultsViewProps } from './ResultsView.tsx';
