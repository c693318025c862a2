import { z } from 'zod';

const Port = z.number().int().min(0).max(65535);
/** Loopback by default; anything else is an explicit decision to open the LAN. */
const Host = z.string().min(1).max(255);
/** an MQTT topic prefix: no wildcards, no `$`, no empty levels */
const TopicRoot = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a topic prefix without wildcards');

export const ConfigSchema = z
  .object({
    /** where the database, logs, secrets and backups live */
    dataDir: z.string().min(1),
    http: z
      .object({
        host: Host.default('127.0.0.1'),
        port: Port.default(8420),
        /**
         * Extra host names the UI/API answers to (e.g. `truss.local`). Loopback names, the bind
         * address and (when bound to every interface) this machine's addresses are always allowed;
         * any other Host or Origin is refused, which closes DNS rebinding.
         */
        allowedHosts: z.array(Host).max(64).default([]),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8420, allowedHosts: [] }),
    mqtt: z
      .object({
        host: Host.default('127.0.0.1'),
        port: Port.default(1883),
        maxPayloadBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(256 * 1024),
        /** MQTT over TLS with the site CA; null switches it off. Unset: 8883 beside 1883, else a free port */
        tlsPort: Port.nullable().optional(),
        /** MQTT over WebSocket on the same host; off unless set */
        wsPort: Port.nullable().default(null),
        /** publish Truss's own entities as Home Assistant MQTT discovery for other tools (opt-in) */
        haExport: z
          .object({
            enabled: z.boolean().default(false),
            prefix: TopicRoot.default('homeassistant'),
            root: TopicRoot.default('truss'),
          })
          .strict()
          .default({ enabled: false, prefix: 'homeassistant', root: 'truss' }),
      })
      .strict()
      .default({
        host: '127.0.0.1',
        port: 1883,
        maxPayloadBytes: 256 * 1024,
        wsPort: null,
        haExport: { enabled: false, prefix: 'homeassistant', root: 'truss' },
      }),
    /** the virtual building: on by default until real adapters are configured */
    demo: z
      .object({
        enabled: z.boolean().optional(),
        seed: z.number().int().default(42),
        tickMs: z.number().int().min(100).max(60_000).default(2000),
      })
      .strict()
      .default({ seed: 42, tickMs: 2000 }),
    /** adapter id -> that adapter's own config (validated by its manifest's schema) */
    adapters: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.unknown()).default({}),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
        /** also print logs to stderr (warn and above are always printed) */
        stderr: z.boolean().default(false),
      })
      .strict()
      .default({ level: 'info', stderr: false }),
    history: z
      .object({
        flushIntervalMs: z.number().int().min(10).max(1000).default(250),
      })
      .strict()
      .default({ flushIntervalMs: 250 }),
    /** where the building is: sun times for rules are computed offline from this */
    site: z
      .object({
        lat: z.number().min(-90).max(90).default(50.11),
        lon: z.number().min(-180).max(180).default(8.68),
        timezone: z
          .string()
          .min(1)
          .max(64)
          .refine(
            (tz) => {
              try {
                new Intl.DateTimeFormat('en', { timeZone: tz });
                return true;
              } catch {
                return false;
              }
            },
            { message: 'an IANA time zone such as Europe/Berlin' },
          )
          .default('Europe/Berlin'),
      })
      .strict()
      .default({ lat: 50.11, lon: 8.68, timezone: 'Europe/Berlin' }),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Demo mode runs unless it is switched off or a real (non-mqtt-only) adapter set is configured. */
export function demoEnabled(config: Config): boolean {
  return config.demo.enabled ?? Object.keys(config.adapters).length === 0;
}
