/**
 * Home Assistant's MQTT discovery abbreviations (the subset Truss reads) and `~` expansion.
 * Unknown keys pass through unchanged; the component schemas drop what they do not use.
 */
const KEYS: Record<string, string> = {
  act_t: 'action_topic',
  act_tpl: 'action_template',
  pl_open: 'payload_open',
  pl_cls: 'payload_close',
  pl_stop: 'payload_stop',
  pos_clsd: 'position_closed',
  pos_open: 'position_open',
  pos_t: 'position_topic',
  pos_tpl: 'position_template',
  set_pos_t: 'set_position_topic',
  set_pos_tpl: 'set_position_template',
  stat_open: 'state_open',
  stat_clsd: 'state_closed',
  stat_opening: 'state_opening',
  stat_closing: 'state_closing',
  stat_stopped: 'state_stopped',
  temp_unit: 'temperature_unit',
  cmd_tpl: 'command_template',
  exp_aft: 'expire_after',
  frc_upd: 'force_update',
  ent_cat: 'entity_category',
  ic: 'icon',
  en: 'enabled_by_default',
  avty: 'availability',
  avty_mode: 'availability_mode',
  avty_t: 'availability_topic',
  avty_tpl: 'availability_template',
  pl_avail: 'payload_available',
  pl_not_avail: 'payload_not_available',
  bri: 'brightness',
  bri_cmd_t: 'brightness_command_topic',
  bri_scl: 'brightness_scale',
  bri_stat_t: 'brightness_state_topic',
  bri_val_tpl: 'brightness_value_template',
  cmd_t: 'command_topic',
  cmps: 'components',
  curr_temp_t: 'current_temperature_topic',
  curr_temp_tpl: 'current_temperature_template',
  def_ent_id: 'default_entity_id',
  dev: 'device',
  dev_cla: 'device_class',
  max_temp: 'max_temp',
  min_temp: 'min_temp',
  mode_cmd_t: 'mode_command_topic',
  mode_stat_t: 'mode_state_topic',
  mode_stat_tpl: 'mode_state_template',
  obj_id: 'object_id',
  o: 'origin',
  p: 'platform',
  pl_off: 'payload_off',
  pl_on: 'payload_on',
  ret: 'retain',
  stat_cla: 'state_class',
  stat_off: 'state_off',
  stat_on: 'state_on',
  stat_t: 'state_topic',
  stat_val_tpl: 'state_value_template',
  temp_cmd_t: 'temperature_command_topic',
  temp_stat_t: 'temperature_state_topic',
  temp_stat_tpl: 'temperature_state_template',
  uniq_id: 'unique_id',
  unit_of_meas: 'unit_of_measurement',
  val_tpl: 'value_template',
};

const DEVICE_KEYS: Record<string, string> = {
  ids: 'identifiers',
  mf: 'manufacturer',
  mdl: 'model',
  mdl_id: 'model_id',
  sw: 'sw_version',
  hw: 'hw_version',
  cns: 'connections',
  sa: 'suggested_area',
};

const AVAILABILITY_KEYS: Record<string, string> = {
  t: 'topic',
  pl_avail: 'payload_available',
  pl_not_avail: 'payload_not_available',
  val_tpl: 'value_template',
};

type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function rename(obj: Obj, map: Record<string, string>): Obj {
  // a null-prototype target: keys such as `__proto__` stay plain data
  const out: Obj = Object.create(null) as Obj;
  for (const [k, v] of Object.entries(obj)) out[map[k] ?? k] = v;
  return out;
}

/** Replace a leading or trailing `~` in topic options with the base topic, as HA does. */
function expandBase(obj: Obj, base: string | undefined): void {
  if (base === undefined) return;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string' || !(k === 'topic' || k.endsWith('_topic'))) continue;
    if (v.startsWith('~')) obj[k] = base + v.slice(1);
    else if (v.endsWith('~')) obj[k] = v.slice(0, -1) + base;
  }
}

/** Expand one component's config (per-component discovery, or one entry of `cmps`). */
export function expandConfig(raw: Obj, inheritedBase?: string): Obj {
  const out = rename(raw, KEYS);
  const base = typeof out['~'] === 'string' ? (out['~'] as string) : inheritedBase;
  expandBase(out, base);
  if (isPlainObject(out.device)) out.device = rename(out.device, DEVICE_KEYS);
  if (Array.isArray(out.availability)) {
    out.availability = out.availability.map((a) => {
      if (!isPlainObject(a)) return a;
      const entry = rename(a, AVAILABILITY_KEYS);
      expandBase(entry, base);
      return entry;
    });
  }
  return out;
}
