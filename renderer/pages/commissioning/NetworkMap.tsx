import { useState } from 'react';
import type { Result } from '../../../shared/api/methods.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

type NetworkMap = Result<'network.map'>;

const SIZE = 320;
const RING = { coordinator: 0, router: 80, end_device: 140 } as const;

/** link quality 0-255 as the colour an installer reads at a glance: red weak, green strong */
function qualityColour(q: number): string {
  return q >= 150 ? 'var(--ok, #2e7d32)' : q >= 80 ? 'var(--warn, #ed6c02)' : 'var(--bad, #c62828)';
}

/**
 * A mesh as its routers report it (Zigbee: LQI tables): coordinator in the middle, routers on
 * the inner ring, end devices outside, lines coloured by link quality, and the weakest links
 * listed, which is where an installer adds a router.
 */
export function NetworkMap({ adapter }: { adapter: string }) {
  const session = useSessionObject();
  const [map, setMap] = useState<NetworkMap | null>(null);
  const load = useAction(async () => setMap(await session.call('network.map', { adapter })));
  const pos = new Map<string, { x: number; y: number }>();
  if (map) {
    for (const role of ['coordinator', 'router', 'end_device'] as const) {
      const ring = map.nodes.filter((n) => n.role === role);
      ring.forEach((n, i) => {
        const a = (2 * Math.PI * i) / Math.max(1, ring.length);
        pos.set(n.address, {
          x: SIZE / 2 + RING[role] * Math.cos(a),
          y: SIZE / 2 + RING[role] * Math.sin(a),
        });
      });
    }
  }
  const label = (address: string) => map?.nodes.find((n) => n.address === address)?.label ?? address;
  const weakest = map ? [...map.links].sort((a, b) => a.quality - b.quality).slice(0, 5) : [];
  return (
    <div className="stack" data-testid="network-map">
      <div className="row">
        <button type="button" onClick={() => void load.run()} disabled={load.busy}>
          {map ? 'Refresh network map' : 'Show network map'}
        </button>
        {map ? (
          <span className="muted small">
            {map.nodes.length} nodes, {map.links.length} links
          </span>
        ) : null}
      </div>
      <ErrorText error={load.error} testId="network-map-error" />
      {map ? (
        <>
          <svg viewBox={`0 0 ${SIZE} ${SIZE}`} width={SIZE} height={SIZE} role="img" aria-label="Zigbee mesh">
            {map.links.map((l) => {
              const a = pos.get(l.from);
              const b = pos.get(l.to);
              return a && b ? (
                <line
                  key={`${l.from}-${l.to}`}
                  x1={a.x}
                  y1={a.y}
                  x2={b.x}
                  y2={b.y}
                  stroke={qualityColour(l.quality)}
                  strokeWidth={1.5}
                >
                  <title>{`${label(l.from)} ↔ ${label(l.to)}: LQI ${l.quality}`}</title>
                </line>
              ) : null;
            })}
            {map.nodes.map((n) => {
              const p = pos.get(n.address)!;
              return (
                <circle
                  key={n.address}
                  cx={p.x}
                  cy={p.y}
                  r={n.role === 'coordinator' ? 9 : n.role === 'router' ? 6 : 4}
                  fill={n.role === 'end_device' ? 'var(--muted, #888)' : 'var(--accent, #1565c0)'}
                  data-testid={`network-node-${n.role}`}
                >
                  <title>{`${n.label} (${n.role.replace('_', ' ')})`}</title>
                </circle>
              );
            })}
          </svg>
          {weakest.length > 0 ? (
            <table className="small">
              <thead>
                <tr>
                  <th>Weakest links</th>
                  <th>LQI</th>
                </tr>
              </thead>
              <tbody>
                {weakest.map((l) => (
                  <tr key={`${l.from}-${l.to}`}>
                    <td>
                      {label(l.from)} ↔ {label(l.to)}
                    </td>
                    <td style={{ color: qualityColour(l.quality) }}>{l.quality}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
