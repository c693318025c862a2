import { z } from 'zod';

/**
 * Forecast inputs and outputs shared with the UI: the PV system as the installer describes it,
 * the kinds of forecast Truss issues, and their accuracy figures.
 */

/** One PV array (a roof face): orientation, size and losses. */
export const PvArray = z
  .object({
    name: z.string().trim().min(1, 'give it a name').max(60),
    /** degrees from horizontal (0 flat, 90 vertical) */
    tiltDeg: z.number().finite().min(0).max(90),
    /** compass degrees the array faces: 0 north, 90 east, 180 south, 270 west */
    azimuthDeg: z.number().finite().min(0).max(360),
    /** peak DC power under standard test conditions */
    kWp: z.number().finite().positive().max(10_000),
    /** everything between the panels' nameplate and the AC meter (wiring, inverter, soiling,
     * mismatch): PVWatts' default system losses of 14 % give 0.86 */
    derate: z.number().finite().min(0.3).max(1).default(0.86),
    /** ground reflectance (0.2 grass, 0.8 fresh snow) */
    albedo: z.number().finite().min(0).max(1).default(0.2),
    /** power temperature coefficient per K (crystalline silicon about -0.004) */
    tempCoeffPerK: z.number().finite().min(-0.01).max(0).default(-0.004),
  })
  .strict();
export type PvArray = z.infer<typeof PvArray>;
export type PvArrayInput = z.input<typeof PvArray>;

export const PvSystem = z
  .object({
    arrays: z.array(PvArray).min(1, 'at least one array').max(20),
    /** the inverters' AC limit; output above it is clipped. null: no limit */
    inverterKw: z.number().finite().positive().max(10_000).nullable().default(null),
  })
  .strict();
export type PvSystem = z.infer<typeof PvSystem>;
export type PvSystemInput = z.input<typeof PvSystem>;

export const FORECAST_KINDS = ['pv', 'load', 'temperature'] as const;
export const ForecastKind = z.enum(FORECAST_KINDS);
export type ForecastKind = z.infer<typeof ForecastKind>;

/** Accuracy of one forecast over a window: errors are forecast minus actual, in the forecast's unit. */
export interface AccuracyWindow {
  days: number;
  /** slots with both a forecast and an actual */
  n: number;
  /** mean absolute error; null when n = 0 */
  mae: number | null;
  /** mean error (positive: the forecast ran high); null when n = 0 */
  bias: number | null;
  /** mean of the actuals, to read the errors against */
  meanActual: number | null;
}

export interface ForecastAccuracy {
  kind: ForecastKind;
  target: string;
  /** W for pv and load, °C for temperature */
  unit: string;
  /** how long before a slot its forecast had to be issued to count */
  leadMs: number;
  last7: AccuracyWindow;
  last30: AccuracyWindow;
}
