import { formatLimit } from './format.ts';

/** The adapter limits webfold plans its memory and workgroups with. */
export function LimitsTable({ limits }: { limits: Record<string, number> }) {
  return (
    <div>
      <h3>Key limits</h3>
      <table className="table" data-testid="limits-table">
        <thead>
          <tr>
            <th scope="col">Limit</th>
            <th scope="col" className="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(limits).map(([name, value]) => (
            <tr key={name}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td className="num">{formatLimit(name, value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
