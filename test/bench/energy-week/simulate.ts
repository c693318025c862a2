import { DEMAND_PRICE_PER_KW, SLOT_MS, type ZoneModel } from './site.ts';
import type { Controller } from './controllers.ts';
import { VirtualBuilding, type WeekResult } from './virtual-building.ts';

/**
 * Runs a controller on the virtual building for `days` at accelerated time (as fast as the
 * controller decides), from `start` (UTC midnight), and totals cost, peak and comfort. Every
 * controller gets the same building, weather and noise (the same seed).
 */
export async function simulate(
  controller: Controller,
  zones: ZoneModel[],
  opts: { start: number; days: number; seed?: number },
): Promise<WeekResult> {
  const building = new VirtualBuilding(zones, opts.seed ?? 7);
  const slots = (opts.days * 86_400_000) / SLOT_MS;
  for (let t = 0; t < slots; t++) {
    const start = opts.start + t * SLOT_MS;
    const actions = await controller.decide(start, building.measure(), building.result.peakKw);
    building.step(start, actions);
  }
  const r = building.result;
  r.demandCost = r.peakKw * DEMAND_PRICE_PER_KW;
  r.cost = r.energyCost + r.demandCost;
  return r;
}
