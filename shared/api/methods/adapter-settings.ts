import { z } from 'zod';
import { ADMINS, method, READ } from './method.ts';

/**
 * An adapter's settings as a form needs them. The form is built from `schema`, the JSON Schema of
 * the adapter's own zod config schema (its manifest), so a new family brings its settings page
 * with it and the UI never repeats a field list.
 */
export const AdapterSettings = z.object({
  adapter: z.string(),
  name: z.string(),
  /** JSON Schema (draft 2020-12) of the config as written, defaults included */
  schema: z.record(z.string(), z.unknown()),
  /** the configuration in force */
  config: z.unknown(),
  /** set when something other than the configuration file configures it (the virtual building) */
  managedBy: z.string().nullable(),
});
export type AdapterSettings = z.infer<typeof AdapterSettings>;

const AdapterId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'an adapter id such as zigbee');

export const ADAPTER_SETTINGS_METHODS = {
  'adapters.config.get': method(ADMINS, z.object({ adapter: AdapterId }).strict(), AdapterSettings, READ),
  /**
   * Validates against the adapter's schema, restarts the adapter with it (the previous settings
   * come back if it does not start) and saves it to the configuration file.
   */
  'adapters.config.set': method(
    ADMINS,
    z.object({ adapter: AdapterId, config: z.record(z.string(), z.unknown()) }).strict(),
    z.object({ settings: AdapterSettings, savedTo: z.string() }),
  ),
};
