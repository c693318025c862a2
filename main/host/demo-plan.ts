import type { SiteSpec } from '../../adapters/sim/building/site.ts';
import { PlanSettings } from '../../shared/energy/plan-settings.ts';
import type { Core } from '../core/core.ts';

const J_PER_KWH = 3_600_000;

/**
 * The demo site's planner, set up once as an installer would: every heated room of the virtual
 * building as a zone behind its thermostat, with the room's own 1R1C parameters (the sim's UA and
 * thermal mass) and its electric heater (COP 1), office hours 07:00-19:00 around the room's
 * setpoint and a night setback; mode `advise`, so the plan is shown and nothing is commanded.
 */
export async function configureDemoPlan(core: Core, site: SiteSpec): Promise<void> {
  const planner = core.use('planner');
  if (planner.settings().zones.length > 0) return;
  const registry = core.use('registry');
  const zones = site.rooms.flatMap((room) => {
    if (room.heaterW <= 0) return [];
    const device = registry.deviceByAddress('mqtt', `sim-${room.id}-thermostat`);
    const thermostat = device && registry.entitiesOf(device.id).find((e) => e.kind === 'climate');
    if (!thermostat) return [];
    return [
      {
        id: room.id
          .toLowerCase()
          .replace(/[^a-z0-9_-]/g, '-')
          .slice(0, 48),
        name: room.name,
        thermostatEntity: thermostat.id,
        tempEntity: thermostat.id,
        rKPerKw: 1000 / room.uaWPerK,
        cKwhPerK: room.capacitanceJPerK / J_PER_KWH,
        maxKw: room.heaterW / 1000,
        copAt7: 1,
        copSlopePerK: 0,
        lowC: room.defaultSetpoint - 4,
        highC: room.defaultSetpoint + 4,
        comfort: [
          { from: '07:00', to: '19:00', lowC: room.defaultSetpoint - 0.5, highC: room.defaultSetpoint + 2 },
        ],
      },
    ];
  });
  if (zones.length === 0) return;
  await planner.saveSettings(PlanSettings.parse({ ...planner.settings(), mode: 'advise', zones }));
}
