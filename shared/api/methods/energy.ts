import { z } from 'zod';
import type { AccuracyWindow, ForecastAccuracy } from '../../energy/forecast.ts';
import {
  CORRECTION_RULES,
  type MeterClass,
  type MeterCorrection,
  MeteringTree,
} from '../../energy/metering.ts';
import { EnergySettings } from '../../energy/site.ts';
import { Tariff } from '../../energy/tariff.ts';
import { ALL_ROLES, method, OPERATORS, READ } from './method.ts';

/**
 * Energy: the metering tree and live balance, tariffs (with revisions) and costs, day-ahead
 * prices, the meter correction log and forecast accuracy. Everyone signed in reads; changes need
 * the roles that run the building (admin, manager) or set it up (installer), and are audited.
 * Results are the core's figures as computed (not re-validated): their shapes are declared here.
 */
const Empty = z.object({}).strict();
const WRITERS = OPERATORS;
const Text = z.string().max(8_000_000);
const FileName = z.string().trim().min(1).max(200);
const TariffId = z.string().max(64);

// ---- result shapes (figures computed by the core) ----------------------------------------------

export interface EnergyNode {
  id: string;
  name: string;
  role: string;
  importValue: number | null;
  exportValue: number | null;
  measured: number | null;
  children: number;
  total: number | null;
  remainder: number | null;
  remainderFlag: string | null;
  missing: string[];
  nodes: EnergyNode[];
}
export interface EnergyBalance {
  gridImport: number;
  gridExport: number;
  pv: number;
  batteryCharge: number;
  batteryDischarge: number;
  load: number;
  selfConsumed: number;
  selfConsumptionRate: number | null;
  autarky: number | null;
}
export interface EnergyTreeFigures {
  balance: EnergyBalance;
  siteRemainder: number;
  siteRemainderFlag: string;
  nodes: EnergyNode[];
  flags: string[];
}
export interface LiveBalance {
  at: number;
  /** W; null without a metering tree */
  tree: EnergyTreeFigures | null;
}
export interface CostLine {
  start: number;
  end: number;
  importKWh: number;
  exportKWh: number;
  energyCost: number;
  levies: number;
  demandCharge: number;
  fixedCharges: number;
  exportCredit: number;
  vat: number;
  total: number;
  peakKw: number | null;
  peakAt: number | null;
}
export interface PeriodCostView extends CostLine {
  period: { start: number; end: number; startDate: string; endDate: string; days: number };
  demand: Array<{
    name: string;
    pricePerKw: number;
    peakKw: number;
    peakAt: number | null;
    share: number;
    amount: number;
  }>;
  coarseDemand: boolean;
}
export interface EnergyOverview {
  at: number;
  currency: string | null;
  tariffId: string | null;
  today: CostLine | null;
  period: PeriodCostView | null;
  forecast: {
    asOf: number;
    projected: PeriodCostView;
    known: PeriodCostView;
    projectedImportKWh: number;
    projectedExportKWh: number;
    assumptions: string[];
  } | null;
  priceNow: { importPerKwh: number; exportPerKwh: number; band: string; dynamic: boolean } | null;
  notes: string[];
}
export interface MeterInfo {
  entityId: string;
  deviceId: string;
  name: string;
  unit: string | null;
  meter: MeterClass;
}
export interface PriceFeedStatus {
  series: string | null;
  topic: string | null;
  knownUntil: number | null;
  lastAccepted: { at: number; source: string; count: number } | null;
  lastRefused: { at: number; source: string; reason: string } | null;
}
export type { AccuracyWindow, ForecastAccuracy, MeterCorrection };

const out = <T>() => z.custom<T>(() => true);
const FileOut = z.object({ fileName: z.string(), text: z.string() });

const CorrectionQuery = z
  .object({
    meterId: z.string().max(200).optional(),
    from: z.number().finite().optional(),
    to: z.number().finite().optional(),
    rule: z.enum(CORRECTION_RULES).optional(),
    limit: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();

export const ENERGY_METHODS = {
  'energy.overview': method(ALL_ROLES, Empty, out<EnergyOverview>(), READ),
  'energy.balance': method(ALL_ROLES, Empty, out<LiveBalance>(), READ),
  'energy.meters': method(ALL_ROLES, Empty, out<MeterInfo[]>(), READ),
  'energy.settings': method(ALL_ROLES, Empty, EnergySettings, READ),
  'energy.saveSettings': method(WRITERS, z.object({ settings: EnergySettings }).strict(), EnergySettings),
  'energy.tree': method(ALL_ROLES, Empty, z.object({ tree: MeteringTree.nullable() }), READ),
  'energy.saveTree': method(
    WRITERS,
    z.object({ tree: MeteringTree }).strict(),
    z.object({ tree: MeteringTree }),
  ),
  'energy.importTree': method(WRITERS, z.object({ text: Text }).strict(), z.object({ tree: MeteringTree })),
  'energy.exportTree': method(ALL_ROLES, Empty, FileOut, READ),
  'energy.tariffs': method(ALL_ROLES, Empty, z.object({ tariffs: z.array(Tariff) }), READ),
  'energy.tariff': method(
    ALL_ROLES,
    z.object({ tariffId: TariffId }).strict(),
    z.object({ tariff: Tariff }),
    READ,
  ),
  'energy.saveTariff': method(WRITERS, z.object({ tariff: Tariff }).strict(), z.object({ tariff: Tariff })),
  'energy.importTariff': method(WRITERS, z.object({ text: Text }).strict(), z.object({ tariff: Tariff })),
  'energy.exportTariff': method(ALL_ROLES, z.object({ tariffId: TariffId }).strict(), FileOut, READ),
  'energy.tariffRevisions': method(
    ALL_ROLES,
    z.object({ tariffId: TariffId }).strict(),
    z.object({ revisions: z.array(z.object({ savedAt: z.number(), actor: z.string(), tariff: Tariff })) }),
    READ,
  ),
  'energy.uploadPrices': method(
    WRITERS,
    z.object({ fileName: FileName, text: Text }).strict(),
    z.object({
      format: z.string(),
      count: z.number(),
      from: z.number(),
      to: z.number(),
      replaced: z.number(),
      skipped: z.number(),
    }),
  ),
  'energy.prices': method(
    ALL_ROLES,
    z.object({ from: z.number().finite(), to: z.number().finite() }).strict(),
    z.object({
      feed: out<PriceFeedStatus>(),
      points: z.array(z.object({ start: z.number(), end: z.number(), price: z.number() })),
    }),
    READ,
  ),
  'energy.costs': method(
    ALL_ROLES,
    z.object({ from: z.number().finite(), to: z.number().finite(), by: z.enum(['hour', 'day']) }).strict(),
    out<{ lines: CostLine[]; missing: number; currency: string }>(),
    READ,
  ),
  'energy.corrections': method(ALL_ROLES, CorrectionQuery, out<MeterCorrection[]>(), READ),
  'energy.correctionsCsv': method(ALL_ROLES, CorrectionQuery, FileOut, READ),
  'energy.accuracy': method(ALL_ROLES, Empty, out<ForecastAccuracy[]>(), READ),
} as const;
