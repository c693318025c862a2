import type { PublicUser } from '../../../shared/domain/user.ts';
import { METHODS, roleAllows } from '../../../shared/api/methods.ts';
import { useSessionObject } from '../../store/context.ts';
import { useAction } from '../../lib/use-action.ts';
import { AccuracyTable } from './AccuracyTable.tsx';
import { BalanceFlow } from './BalanceFlow.tsx';
import { CostPanel } from './CostPanel.tsx';
import { MeteringTreeView } from './MeteringTreeView.tsx';
import { PriceUpload } from './PriceUpload.tsx';
import { TariffEditor } from './TariffEditor.tsx';
import { useLiveBalance, useOverview } from './use-energy.ts';
import './energy.css';

// The plan (charts, explanations, overrides) is its own panel on #/energy/plan; link to it only
// when this build has it.
const HAS_PLAN = Object.keys(import.meta.glob('./PlanPanel.tsx')).length > 0;

/** Energy: the live balance, costs and peak, the metering tree, the tariff, prices and forecasts. */
export function EnergyPage({ user }: { user: PublicUser }) {
  const session = useSessionObject();
  const balance = useLiveBalance();
  const { overview, error, reload } = useOverview();
  const canEdit = roleAllows(METHODS['energy.saveTariff'].access, user.role);
  const csv = useAction(async () => {
    const r = await session.call('energy.correctionsCsv', { limit: 10_000 });
    const url = URL.createObjectURL(new Blob([r.text], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = r.fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return (
    <div className="stack energy-page" data-testid="energy-page">
      <div className="card-head">
        <h2>Energy</h2>
        {HAS_PLAN ? (
          <a href="#/energy/plan" data-testid="energy-plan-link">
            Plan →
          </a>
        ) : null}
      </div>
      <div className="energy-top">
        <section className="card">
          <div className="card-head">
            <h3>Live balance</h3>
          </div>
          <BalanceFlow balance={balance} />
        </section>
        <section className="card">
          <div className="card-head">
            <h3>Cost and peak</h3>
          </div>
          <CostPanel overview={overview} error={error} />
        </section>
      </div>
      <section className="card">
        <div className="card-head">
          <h3>Metering tree</h3>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => void csv.run()}
            data-testid="corrections-csv"
          >
            Meter correction log (CSV)
          </button>
        </div>
        <MeteringTreeView balance={balance} />
      </section>
      <section className="card">
        <div className="card-head">
          <h3>Tariff</h3>
        </div>
        <TariffEditor tariffId={overview?.tariffId ?? null} canEdit={canEdit} onSaved={reload} />
      </section>
      <section className="card">
        <div className="card-head">
          <h3>Day-ahead prices</h3>
        </div>
        <PriceUpload canEdit={canEdit} onImported={reload} />
      </section>
      <section className="card">
        <div className="card-head">
          <h3>Forecast accuracy</h3>
        </div>
        <AccuracyTable />
      </section>
    </div>
  );
}
