import { useEffect, useMemo, useState } from 'react';
import type { PublicUser } from '../../../shared/domain/user.ts';
import type { PlanSettings } from '../../../shared/energy/plan-settings.ts';
import { METHODS, roleAllows } from '../../../shared/api/methods.ts';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';
import { formatMoney } from './format.ts';
import { PlanChart, type PlanSeries } from './PlanChart.tsx';
import { PlanExplanations } from './PlanExplanations.tsx';
import { PlanOverrides } from './PlanOverrides.tsx';
import { PlanSettingsEditor } from './PlanSettingsEditor.tsx';
import { usePlan } from './use-plan.ts';
import { useOverview } from './use-energy.ts';
import './energy.css';

const ZONE_COLORS = [
  '#d9480f',
  '#1971c2',
  '#2f9e44',
  '#ae3ec9',
  '#f08c00',
  '#0c8599',
  '#e64980',
  '#5c940d',
  '#364fc7',
  '#868e96',
];

/**
 * The energy plan (#/energy/plan): what the optimiser expects against the baseline (schedules and
 * thermostats only), the plan as charts (prices and forecasts, battery and EV, zone temperatures in
 * their comfort bands), each slot's explanation, overrides, and the planner's settings.
 */
export function PlanPanel({ user }: { user: PublicUser }) {
  const session = useSessionObject();
  const { plan, status, error, set } = usePlan();
  const { overview } = useOverview();
  const [settings, setSettings] = useState<PlanSettings | null>(null);
  const canEdit = roleAllows(METHODS['plan.override'].access, user.role);
  const currency = overview?.currency ?? null;
  useEffect(() => {
    session
      .call('plan.settings', {})
      .then(setSettings)
      .catch(() => undefined);
  }, [session]);
  const replan = useAction(async () => set(await session.call('plan.replan', {})));

  const charts = useMemo(() => {
    if (!plan) return null;
    const times = plan.slots.map((s) => s.start);
    const energy: PlanSeries[] = [
      { label: 'PV kW', values: plan.slots.map((s) => s.pvKw), color: '#f08c00' },
      { label: 'base load kW', values: plan.slots.map((s) => s.baseKw), color: '#868e96' },
      { label: 'grid import kW', values: plan.slots.map((s) => s.importKw), color: '#c92a2a' },
      {
        label: 'price /kWh',
        values: plan.slots.map((s) => s.importPrice),
        color: '#1971c2',
        right: true,
        dash: true,
      },
    ];
    const storage: PlanSeries[] = [];
    if (plan.slots[0]?.battery)
      storage.push({
        label: 'battery SoC kWh',
        values: plan.slots.map((s) => s.battery!.socKwh),
        color: '#2f9e44',
      });
    if (plan.slots[0]?.evKw !== null && plan.slots[0]?.evKw !== undefined)
      storage.push({ label: 'EV kW', values: plan.slots.map((s) => s.evKw), color: '#ae3ec9' });
    if (plan.slots[0]?.hotWater)
      storage.push({
        label: 'tank °C',
        values: plan.slots.map((s) => s.hotWater!.tempC),
        color: '#e64980',
        right: true,
      });
    const zoneIds = plan.slots[0]?.zones.map((z) => z.id) ?? [];
    const zones: PlanSeries[] = zoneIds.flatMap((id, i) => {
      const color = ZONE_COLORS[i % ZONE_COLORS.length]!;
      const of = (f: (z: { tempC: number; lowC: number; highC: number }) => number) =>
        plan.slots.map((s) => {
          const z = s.zones.find((x) => x.id === id);
          return z ? f(z) : null;
        });
      return [
        { label: `${id} °C`, values: of((z) => Math.round(z.tempC * 100) / 100), color },
        { label: `${id} min`, values: of((z) => z.lowC), color, dash: true },
        { label: `${id} max`, values: of((z) => z.highC), color, dash: true },
      ];
    });
    return { times, energy, storage, zones };
  }, [plan]);

  return (
    <div className="stack energy-page" data-testid="plan-panel">
      <div className="card-head">
        <h2>Energy plan</h2>
        <a href="#/energy">← Energy</a>
      </div>
      {error ? <p className="error-box">{error}</p> : null}
      <section className="card">
        <div className="card-head">
          <h3>
            Plan{' '}
            {plan ? (
              <span
                className={`badge ${plan.status === 'optimal' ? 'badge-ok' : 'badge-bad'}`}
                data-testid="plan-status"
              >
                {plan.status === 'optimal' ? 'optimal' : 'fallback: safe schedules'}
              </span>
            ) : null}
          </h3>
          {canEdit ? (
            <button
              type="button"
              className="btn btn-sm"
              disabled={replan.busy || status?.mode === 'off'}
              onClick={() => void replan.run()}
              data-testid="plan-replan"
            >
              {replan.busy ? 'Planning…' : 'Re-plan now'}
            </button>
          ) : null}
        </div>
        <p className="muted small" data-testid="plan-mode">
          Mode: {status?.mode ?? '…'}
          {status?.lastPlanAt
            ? ` · planned ${new Date(status.lastPlanAt).toLocaleTimeString()} (${status.lastReason})`
            : ''}
          {plan ? ` · solved in ${plan.solveMs} ms` : ''}
        </p>
        {plan?.fallbackReason ? (
          <p className="error-box" data-testid="plan-fallback">
            {plan.fallbackReason}
          </p>
        ) : null}
        {status?.error ? (
          <p className="error-box" data-testid="plan-error">
            {status.error}
          </p>
        ) : null}
        {status?.notes.map((n) => (
          <p key={n} className="muted small">
            {n}
          </p>
        ))}
        {replan.error ? <p className="error-box">{replan.error.message}</p> : null}
        {plan ? (
          <div className="tiles energy-tiles" data-testid="plan-summary">
            <div className="card">
              <div className="muted small">Expected cost (horizon)</div>
              <div className="tile-value" data-testid="plan-cost">
                {formatMoney(plan.summary.cost, currency)}
              </div>
              <div className="muted small">
                baseline {formatMoney(plan.baseline.cost, currency)} · saving{' '}
                {formatMoney(plan.saving, currency)}
              </div>
            </div>
            <div className="card">
              <div className="muted small">Peak import</div>
              <div className="tile-value">{plan.summary.peakKw.toFixed(1)} kW</div>
              <div className="muted small">baseline {plan.baseline.peakKw.toFixed(1)} kW</div>
            </div>
            <div className="card">
              <div className="muted small">Outside comfort</div>
              <div className="tile-value">{plan.summary.comfortKh.toFixed(1)} K·h</div>
              <div className="muted small">baseline {plan.baseline.comfortKh.toFixed(1)} K·h</div>
            </div>
          </div>
        ) : (
          <p className="muted" data-testid="plan-none">
            No plan yet{status?.mode === 'off' ? ': the planner is off (set its mode below).' : '.'}
          </p>
        )}
      </section>
      {plan && charts ? (
        <section className="card">
          <div className="card-head">
            <h3>Prices, PV and load</h3>
          </div>
          <PlanChart
            testId="plan-chart-energy"
            times={charts.times}
            series={charts.energy}
            leftUnit="kW"
            rightUnit="price"
          />
          {charts.storage.length ? (
            <>
              <h4>Battery, EV and hot water</h4>
              <PlanChart
                testId="plan-chart-storage"
                times={charts.times}
                series={charts.storage}
                leftUnit="kW / kWh"
                rightUnit="°C"
              />
            </>
          ) : null}
          {charts.zones.length ? (
            <>
              <h4>Zone temperatures in their comfort bands</h4>
              <PlanChart testId="plan-chart-zones" times={charts.times} series={charts.zones} leftUnit="°C" />
            </>
          ) : null}
        </section>
      ) : null}
      {plan ? (
        <section className="card">
          <div className="card-head">
            <h3>Why, slot by slot</h3>
          </div>
          <PlanExplanations plan={plan} currency={currency} />
        </section>
      ) : null}
      <section className="card">
        <div className="card-head">
          <h3>Overrides</h3>
        </div>
        <PlanOverrides settings={settings} status={status} canEdit={canEdit} onPlan={set} />
      </section>
      <section className="card">
        <div className="card-head">
          <h3>Planner settings</h3>
        </div>
        <PlanSettingsEditor
          key={settings ? JSON.stringify(settings) : 'none'}
          settings={settings}
          canEdit={canEdit}
          onSaved={setSettings}
        />
      </section>
    </div>
  );
}
