import type { EnergyNode, LiveBalance } from '../../../shared/api/methods/energy.ts';
import { formatW } from './format.ts';

function Row({ node, depth }: { node: EnergyNode; depth: number }) {
  return (
    <>
      <tr data-testid={`tree-node-${node.id}`}>
        <td style={{ paddingLeft: 8 + depth * 18 }}>
          {node.name} <span className="muted small">{node.role}</span>
        </td>
        <td className="num">{formatW(node.total)}</td>
        <td className={`num ${node.remainderFlag === 'negative' ? 'bad' : ''}`}>
          {node.remainder === null ? '' : formatW(node.remainder)}
        </td>
      </tr>
      {node.nodes.map((n) => (
        <Row key={n.id} node={n} depth={depth + 1} />
      ))}
    </>
  );
}

/** The metering tree with live power per node and what its sub-meters leave unmetered. */
export function MeteringTreeView({ balance }: { balance: LiveBalance | null }) {
  const tree = balance?.tree;
  if (!tree) return null;
  return (
    <div className="stack">
      <table className="table" data-testid="metering-tree">
        <thead>
          <tr>
            <th>Node</th>
            <th className="num">Power</th>
            <th className="num">Unmetered</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              <strong>Site</strong>
            </td>
            <td className="num">{formatW(tree.balance.load)}</td>
            <td
              className={`num ${tree.siteRemainderFlag === 'negative' ? 'bad' : ''}`}
              data-testid="site-remainder"
            >
              {formatW(tree.siteRemainder)}
            </td>
          </tr>
          {tree.nodes.map((n) => (
            <Row key={n.id} node={n} depth={1} />
          ))}
        </tbody>
      </table>
      {tree.flags.length ? (
        <ul className="small muted" data-testid="tree-flags">
          {tree.flags.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
