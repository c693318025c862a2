import type { LiveBalance } from '../../../shared/api/methods/energy.ts';
import { formatW } from './format.ts';

/**
 * The live balance as a flow picture: the building in the middle, the grid, PV and battery around
 * it, each line as thick as its power and its arrow showing which way the energy flows.
 */
export function BalanceFlow({ balance }: { balance: LiveBalance | null }) {
  const b = balance?.tree?.balance;
  if (!balance?.tree || !b)
    return (
      <p className="muted" data-testid="balance-empty">
        No metering tree yet: set the grid meter below to see the live balance.
      </p>
    );
  const gridNet = b.gridImport - b.gridExport;
  const battNet = b.batteryDischarge - b.batteryCharge;
  const max = Math.max(1000, Math.abs(gridNet), b.pv, Math.abs(battNet), b.load);
  const width = (w: number) => 2 + (10 * Math.min(Math.abs(w), max)) / max;
  const center = { x: 260, y: 130 };
  const nodes = [
    {
      id: 'grid',
      label: gridNet >= 0 ? 'Grid import' : 'Grid export',
      x: 60,
      y: 130,
      w: gridNet,
      toHouse: gridNet >= 0,
    },
    { id: 'pv', label: 'PV', x: 260, y: 24, w: b.pv, toHouse: true },
    {
      id: 'battery',
      label: battNet >= 0 ? 'Battery discharge' : 'Battery charge',
      x: 460,
      y: 130,
      w: battNet,
      toHouse: battNet >= 0,
    },
  ];
  return (
    <svg
      viewBox="0 0 520 250"
      className="energy-flow"
      role="img"
      aria-label="Live energy balance"
      data-testid="balance-flow"
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="8"
          refY="5"
          markerWidth="5"
          markerHeight="5"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
        </marker>
      </defs>
      {nodes.map((n) => {
        const active = Math.abs(n.w) >= 1;
        // lines end at the edges (the house is 68 x 52, a source's circle r = 20) so arrows show
        const dx = center.x - n.x;
        const dy = center.y - n.y;
        const len = Math.hypot(dx, dy);
        const atSource = [n.x + (dx / len) * 22, n.y + (dy / len) * 22];
        const houseEdge = Math.min(36 / Math.abs(dx || 1e-9), 28 / Math.abs(dy || 1e-9)) * len;
        const atHouse = [center.x - (dx / len) * houseEdge, center.y - (dy / len) * houseEdge];
        const [x1, y1, x2, y2] = n.toHouse ? [...atSource, ...atHouse] : [...atHouse, ...atSource];
        return (
          <g
            key={n.id}
            className={`flow flow-${n.id} ${active ? 'active' : 'idle'}`}
            data-testid={`flow-${n.id}`}
          >
            <line
              x1={x1}
              y1={y1}
              x2={x2}
              y2={y2}
              strokeWidth={width(n.w)}
              markerEnd={active ? 'url(#arrow)' : undefined}
            />
            <circle cx={n.x} cy={n.y} r={20} />
            <text x={n.x} y={n.y + 38} textAnchor="middle" className="flow-label">
              {n.label}
            </text>
            <text
              x={n.x}
              y={n.y + 54}
              textAnchor="middle"
              className="flow-value"
              data-testid={`flow-${n.id}-value`}
            >
              {formatW(Math.abs(n.w))}
            </text>
          </g>
        );
      })}
      <g className="flow-house" data-testid="flow-load">
        <rect x={center.x - 34} y={center.y - 26} width={68} height={52} rx={6} />
        <text x={center.x} y={center.y + 4} textAnchor="middle" className="flow-label">
          Building
        </text>
        <text
          x={center.x}
          y={center.y + 48}
          textAnchor="middle"
          className="flow-value"
          data-testid="flow-load-value"
        >
          {formatW(b.load)}
        </text>
      </g>
      <text x={center.x} y={236} textAnchor="middle" className="flow-note" data-testid="flow-remainder">
        Unmetered remainder {formatW(balance.tree.siteRemainder)}
      </text>
    </svg>
  );
}
