import { electricityMeter } from 'zigbee-herdsman-converters/lib/modernExtend';
import { describe, expect, it } from 'vitest';
import { sensorMapper } from '../../../../adapters/mqtt/components/sensor.ts';
import { sensorEntities } from '../../../../adapters/mqtt/tasmota/tasmota.ts';
import { entitiesFromExposes, type ExposeLike } from '../../../../adapters/zigbee/entities.ts';
import { type EnergyEntityInfo, classifyEnergyEntity } from '../../../../shared/energy/metering.ts';

const sensor = (
  key: string,
  deviceClass: string | null,
  unit: string | null,
  extra: Partial<EnergyEntityInfo> = {},
): EnergyEntityInfo => ({
  key,
  name: key,
  kind: 'sensor',
  deviceClass,
  unit,
  ...extra,
});

describe('energy and power entities from every family', () => {
  it('Tasmota ENERGY (as the adapter announces a tele/SENSOR body): Total and Today are counters, Yesterday is not', () => {
    // https://tasmota.github.io/docs/JSON-Status-Responses/ : "ENERGY":{"TotalStartTime":..,"Total":..,"Yesterday":..,"Today":..,"Power":..}
    const entities = sensorEntities({
      ENERGY: { Total: 12.345, Yesterday: 0.8, Today: 0.4, Power: 45, Voltage: 230 },
    });
    const classes = Object.fromEntries(entities.map((e) => [e.key, classifyEnergyEntity(e)]));
    expect(classes['ENERGY.Total']).toMatchObject({
      quantity: 'energy',
      flow: 'import',
      counter: 'total_increasing',
      toKWh: 1,
      flowGuessed: false,
    });
    expect(classes['ENERGY.Today']).toMatchObject({ quantity: 'energy', counter: 'daily' });
    expect(classes['ENERGY.Yesterday']).toBeNull();
    expect(classes['ENERGY.Power']).toMatchObject({ quantity: 'power', flow: 'import', toW: 1 });
    expect(classes['ENERGY.Voltage']).toBeNull();
    // bidirectional meters add ExportActive (kWh) to the ENERGY object
    expect(classifyEnergyEntity(sensor('ENERGY.ExportActive', 'energy', 'kWh'))).toMatchObject({
      flow: 'export',
      counter: 'total_increasing',
    });
  });

  it('Shelly Gen2: switch aenergy and ret_aenergy, EMData totals (Wh), signed EM power', () => {
    // keys as adapters/mqtt/shelly names them: `<component>/energy` (aenergy.total / 1000) and `<component>/power`
    expect(classifyEnergyEntity(sensor('switch:0/energy', 'energy', 'kWh'))).toMatchObject({
      flow: 'import',
      flowGuessed: false,
      toKWh: 1,
    });
    expect(classifyEnergyEntity(sensor('switch:0/ret_energy', 'energy', 'kWh'))).toMatchObject({
      flow: 'export',
    });
    expect(classifyEnergyEntity(sensor('switch:0/power', 'power', 'W'))).toMatchObject({
      quantity: 'power',
      flow: 'import',
    });
    // EMData: total_act / total_act_ret are Wh (shelly-api-docs EMData.GetStatus)
    expect(classifyEnergyEntity(sensor('emdata:0/total_act', 'energy', 'Wh'))).toMatchObject({
      flow: 'import',
      toKWh: 0.001,
    });
    expect(classifyEnergyEntity(sensor('emdata:0/total_act_ret', 'energy', 'Wh'))).toMatchObject({
      flow: 'export',
      toKWh: 0.001,
    });
    expect(classifyEnergyEntity(sensor('em1data:1/total_act_ret_energy', null, null))).toMatchObject({
      flow: 'export',
      toKWh: 0.001,
    });
    expect(classifyEnergyEntity(sensor('em:0/power', 'power', 'W'))).toMatchObject({
      quantity: 'power',
      flow: 'net',
    });
  });

  it('Zigbee seMetering and haElectricalMeasurement through zigbee-herdsman-converters exposes', () => {
    const ext = electricityMeter({ producedEnergy: true });
    const exposes = (ext.exposes ?? []).flatMap((e) =>
      typeof e === 'function' ? e({ isDummyDevice: true }, {}) : [e],
    );
    const entities = entitiesFromExposes(JSON.parse(JSON.stringify(exposes)) as ExposeLike[]).map(
      (z) => z.announcement,
    );
    const classes = Object.fromEntries(entities.map((e) => [e.key, classifyEnergyEntity(e)]));
    expect(classes.energy).toMatchObject({
      quantity: 'energy',
      flow: 'import',
      counter: 'total_increasing',
      toKWh: 1,
    });
    expect(classes.produced_energy).toMatchObject({ quantity: 'energy', flow: 'export', flowGuessed: false });
    expect(classes.power).toMatchObject({ quantity: 'power', toW: 1 });
    expect(classes.voltage).toBeNull();
    expect(classes.current).toBeNull();
    // apparent and reactive power are not active power
    expect(classifyEnergyEntity(sensor('power_apparent', 'power_apparent', 'VA'))).toBeNull();
    expect(classifyEnergyEntity(sensor('power_reactive', 'power_reactive', 'VAR'))).toBeNull();
  });

  it('Home Assistant discovery: device_class energy/power, state_class total_increasing/total/measurement, any HA unit', () => {
    const announced = (config: Record<string, unknown>, name: string) => ({
      key: name.toLowerCase().replace(/ /g, '_'),
      ...sensorMapper.build({ state_topic: 'x/state', ...config }, name).announcement,
    });
    const imp = announced({ device_class: 'energy', unit_of_measurement: 'kWh' }, 'Import energy');
    const exp = announced({ device_class: 'energy', unit_of_measurement: 'Wh' }, 'Energy returned to grid');
    const pv = announced({ device_class: 'energy', unit_of_measurement: 'MWh' }, 'PV yield');
    const power = announced({ device_class: 'power', unit_of_measurement: 'kW' }, 'Grid power');
    // the adapter keeps no state_class yet: it is passed here as HA's discovery payload carries it
    expect(classifyEnergyEntity({ ...imp, stateClass: 'total_increasing' })).toMatchObject({
      flow: 'import',
      counter: 'total_increasing',
      flowGuessed: false,
    });
    expect(classifyEnergyEntity({ ...exp, stateClass: 'total_increasing' })).toMatchObject({
      flow: 'export',
      toKWh: 0.001,
    });
    expect(classifyEnergyEntity(pv)).toMatchObject({ flow: 'export', toKWh: 1000 });
    expect(classifyEnergyEntity({ ...imp, stateClass: 'total' })).toMatchObject({ counter: 'total' });
    expect(classifyEnergyEntity({ ...imp, stateClass: 'measurement' })).toBeNull();
    expect(classifyEnergyEntity(power)).toMatchObject({ quantity: 'power', toW: 1000, flowGuessed: true });
    expect(
      classifyEnergyEntity(announced({ device_class: 'energy', unit_of_measurement: 'GJ' }, 'Heat')),
    ).toMatchObject({
      toKWh: 1000 / 3.6,
    });
    expect(
      classifyEnergyEntity(announced({ device_class: 'energy', unit_of_measurement: 'kcal' }, 'Food')),
    ).toBeNull();
  });

  it('BTHome energy and power, and what is not a meter', () => {
    expect(classifyEnergyEntity(sensor('energy', 'energy', 'kWh'))).toMatchObject({
      quantity: 'energy',
      flowGuessed: true,
    });
    expect(classifyEnergyEntity(sensor('power', 'power', 'W'))).toMatchObject({ quantity: 'power' });
    expect(classifyEnergyEntity({ ...sensor('t', 'temperature', '°C') })).toBeNull();
    expect(classifyEnergyEntity({ ...sensor('energy', 'energy', 'kWh'), kind: 'switch' })).toBeNull();
  });
});
