import { z } from 'zod';
import { PvSystem } from './forecast.ts';

/**
 * The site's energy settings as the installer sets them: where prices come from, the connection's
 * limits, the PV system forecasts are made for, and which entity measures the outdoor temperature.
 * The site's coordinates and time zone come from the core's configuration (`site`), so sun times
 * for rules and PV forecasts can never disagree.
 */

/** An MQTT topic name (no wildcards), as the broker accepts it for a publish. */
const TopicName = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (t) => !/[+#]/.test(t) && !t.includes(String.fromCharCode(0)) && !t.startsWith('$'),
    'a topic without wildcards, not starting with "$"',
  );

export const PriceFeed = z
  .object({
    /** the day-ahead price series the tariff's `dynamic.series` names */
    series: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, ".", "-" and "_"'),
    /** broker topic carrying price payloads (JSON: aWATTar, Tibber, Nord Pool, Octopus or [{start,end,price}]); null: files only */
    topic: TopicName.nullable().default(null),
    /** unit for payloads that name none, e.g. "EUR/MWh" */
    unit: z.string().max(20).nullable().default(null),
    /**
     * MQTT client ids allowed to publish prices. The broker's ACL already decides who may publish on
     * the topic; this narrows it further (empty: whoever the ACL lets through).
     */
    publishers: z.array(z.string().min(1).max(128)).max(20).default([]),
  })
  .strict();
export type PriceFeed = z.infer<typeof PriceFeed>;

export const EnergySettings = z
  .object({
    /** the tariff in force (its id in the tariff list); null: costs are not computed */
    tariffId: z.string().max(64).nullable().default(null),
    prices: PriceFeed.nullable().default(null),
    /** connection limits, W; null where none applies */
    gridLimits: z
      .object({
        importW: z.number().finite().positive().max(1e8).nullable().default(null),
        exportW: z.number().finite().positive().max(1e8).nullable().default(null),
      })
      .strict()
      .default({ importW: null, exportW: null }),
    pv: PvSystem.nullable().default(null),
    /** entity measuring the outdoor temperature (°C), for the load and temperature forecasts */
    outdoorTempEntity: z.string().max(200).nullable().default(null),
    /**
     * The highest power any meter's circuit can carry, W: counter jumps beyond it in a step are
     * spikes, not energy (63 A three-phase: 43.5 kW).
     */
    maxCircuitPowerW: z.number().finite().positive().max(1e8).default(43_500),
  })
  .strict();
export type EnergySettings = z.infer<typeof EnergySettings>;
export type EnergySettingsInput = z.input<typeof EnergySettings>;
