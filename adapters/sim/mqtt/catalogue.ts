import type { BuildingSnapshot, ZoneSnapshot } from '../building/snapshot.ts';
import type { BuildingModel } from '../building/model.ts';
import { SETPOINT_MAX, SETPOINT_MIN, SETPOINT_STEP } from '../building/thermal.ts';
import { parseLightCommand, parseMode, parseOnOff, parseTemperature } from './commands.ts';
import type { SimDeviceDefinition, SimEntity } from './entities.ts';
import { occupancySensor, sensor } from './entities.ts';

/** The building's devices as HA would see them: one multisensor, thermostat and light per room, plugs, meter, PV. */
export function deviceCatalogue(model: BuildingModel): SimDeviceDefinition[] {
  const devices: SimDeviceDefinition[] = [];
  for (const room of model.site.rooms) {
    const zone = (s: BuildingSnapshot) => {
      const z = s.zones[room.id];
      if (!z) throw new Error(`zone ${room.id} missing from snapshot`);
      return z;
    };
    const entities: SimEntity[] = [
      sensor('temperature', {
        name: 'Temperature',
        deviceClass: 'temperature',
        unit: '°C',
        stateClass: 'measurement',
        read: (s) => zone(s).temperature,
        decimals: 1,
        deadband: 0.1,
      }),
      sensor('humidity', {
        name: 'Humidity',
        deviceClass: 'humidity',
        unit: '%',
        stateClass: 'measurement',
        read: (s) => zone(s).humidity,
        decimals: 0,
        deadband: 1,
      }),
    ];
    if (room.occupancy !== 'none') {
      entities.push(
        sensor('co2', {
          name: 'CO2',
          deviceClass: 'carbon_dioxide',
          unit: 'ppm',
          stateClass: 'measurement',
          read: (s) => zone(s).co2,
          decimals: 0,
          deadband: 10,
        }),
        sensor('illuminance', {
          name: 'Illuminance',
          deviceClass: 'illuminance',
          unit: 'lx',
          stateClass: 'measurement',
          read: (s) => zone(s).illuminance,
          decimals: 0,
          deadband: 5,
          relative: 0.1,
        }),
        occupancySensor('occupancy', (s) => zone(s).occupied),
      );
    }
    devices.push({
      nodeId: `sim-${room.id}-sensor`,
      name: `${room.name} multisensor`,
      model: 'TS-MS1',
      entities,
    });

    if (room.heaterW > 0) {
      devices.push({
        nodeId: `sim-${room.id}-thermostat`,
        name: `${room.name} thermostat`,
        model: 'TS-TH1',
        entities: [thermostatEntity(model, room.id, (s) => zone(s))],
      });
    }
    if (room.light) {
      devices.push({
        nodeId: `sim-${room.id}-light`,
        name: `${room.name} light`,
        model: 'TS-LD1',
        entities: [lightEntity(model, room.id)],
      });
    }
  }
  for (const plug of model.site.plugs) {
    const p = (s: BuildingSnapshot) => {
      const v = s.plugs[plug.id];
      if (!v) throw new Error(`plug ${plug.id} missing from snapshot`);
      return v;
    };
    devices.push({
      nodeId: `sim-${plug.id}`,
      name: plug.name,
      model: 'TS-PL1',
      entities: [
        {
          component: 'switch',
          objectId: 'relay',
          config: {
            name: null,
            stat_t: '~/relay',
            cmd_t: '~/relay/set',
            pl_on: 'ON',
            pl_off: 'OFF',
            dev_cla: 'outlet',
          },
          states: [{ suffix: 'relay', read: (s) => (p(s).on ? 'ON' : 'OFF') }],
          commands: [
            { suffix: 'relay/set', apply: (payload) => model.setPlug(plug.id, parseOnOff(payload)) },
          ],
        },
        powerSensor('power', 'Power', (s) => p(s).powerW),
        energySensor('energy', 'Energy', (s) => p(s).energyKWh),
      ],
    });
  }
  devices.push({
    nodeId: 'sim-main-meter',
    name: 'Main meter',
    model: 'TS-EM3',
    entities: [
      meterPowerSensor('import_power', 'Import power', (s) => s.meter.importPowerW),
      meterPowerSensor('export_power', 'Export power', (s) => s.meter.exportPowerW),
      // signed, as a bidirectional meter reports it: what the live balance reads
      meterPowerSensor('grid_power', 'Grid power', (s) => s.meter.netPowerW),
      energySensor('import_energy', 'Import energy', (s) => s.meter.importEnergyKWh),
      energySensor('export_energy', 'Export energy', (s) => s.meter.exportEnergyKWh),
    ],
  });
  devices.push({
    nodeId: 'sim-pv-inverter',
    name: 'PV inverter',
    model: 'TS-PV8',
    entities: [
      powerSensor('power', 'PV power', (s) => s.pv.powerW),
      energySensor('energy', 'PV energy', (s) => s.pv.energyKWh),
    ],
  });
  devices.push({
    nodeId: 'sim-outdoor-sensor',
    name: 'Outdoor sensor',
    model: 'TS-OS1',
    entities: [
      sensor('temperature', {
        name: 'Outdoor temperature',
        deviceClass: 'temperature',
        unit: '°C',
        stateClass: 'measurement',
        read: (s) => s.outdoor.temperature,
        decimals: 1,
        deadband: 0.1,
      }),
    ],
  });
  return devices;
}

function powerSensor(objectId: string, name: string, read: (s: BuildingSnapshot) => number): SimEntity {
  return sensor(objectId, {
    name,
    deviceClass: 'power',
    unit: 'W',
    stateClass: 'measurement',
    read,
    decimals: 1,
    deadband: 2,
    relative: 0.03,
  });
}

/** A fixed band, not a share: one appliance switching must show on a meter carrying kilowatts. */
function meterPowerSensor(objectId: string, name: string, read: (s: BuildingSnapshot) => number): SimEntity {
  return sensor(objectId, {
    name,
    deviceClass: 'power',
    unit: 'W',
    stateClass: 'measurement',
    read,
    decimals: 1,
    deadband: 10,
  });
}

function energySensor(objectId: string, name: string, read: (s: BuildingSnapshot) => number): SimEntity {
  return sensor(objectId, {
    name,
    deviceClass: 'energy',
    unit: 'kWh',
    stateClass: 'total_increasing',
    read,
    decimals: 3,
    deadband: 0.01,
  });
}

function thermostatEntity(
  model: BuildingModel,
  roomId: string,
  zone: (s: BuildingSnapshot) => ZoneSnapshot,
): SimEntity {
  const t = (s: BuildingSnapshot) => {
    const th = zone(s).thermostat;
    if (!th) throw new Error(`room ${roomId} has no thermostat`);
    return th;
  };
  return {
    component: 'climate',
    objectId: 'thermostat',
    config: {
      name: null,
      modes: ['off', 'heat'],
      mode_stat_t: '~/thermostat/mode',
      mode_cmd_t: '~/thermostat/mode/set',
      temp_stat_t: '~/thermostat/setpoint',
      temp_cmd_t: '~/thermostat/setpoint/set',
      curr_temp_t: '~/thermostat/current',
      act_t: '~/thermostat/action',
      min_temp: SETPOINT_MIN,
      max_temp: SETPOINT_MAX,
      temp_step: SETPOINT_STEP,
      precision: 0.1,
      temp_unit: 'C',
    },
    states: [
      { suffix: 'thermostat/mode', read: (s) => t(s).mode },
      { suffix: 'thermostat/setpoint', read: (s) => t(s).setpoint, decimals: 1, deadband: 0.05 },
      { suffix: 'thermostat/current', read: (s) => zone(s).temperature, decimals: 1, deadband: 0.1 },
      {
        suffix: 'thermostat/action',
        read: (s) => (t(s).mode === 'off' ? 'off' : t(s).heating ? 'heating' : 'idle'),
      },
    ],
    commands: [
      {
        suffix: 'thermostat/mode/set',
        apply: (payload) => model.setThermostat(roomId, { mode: parseMode(payload) }),
      },
      {
        suffix: 'thermostat/setpoint/set',
        apply: (payload) => model.setThermostat(roomId, { setpoint: parseTemperature(payload) }),
      },
    ],
  };
}

function lightEntity(model: BuildingModel, roomId: string): SimEntity {
  return {
    component: 'light',
    objectId: 'light',
    config: {
      name: null,
      schema: 'json',
      stat_t: '~/light',
      cmd_t: '~/light/set',
      brightness: true,
      bri_scl: 255,
      sup_clrm: ['brightness'],
    },
    states: [
      {
        suffix: 'light',
        read: (s) => {
          const l = s.lights[roomId];
          if (!l) throw new Error(`light ${roomId} missing from snapshot`);
          return JSON.stringify({
            state: l.on ? 'ON' : 'OFF',
            brightness: l.brightness,
            color_mode: 'brightness',
          });
        },
      },
    ],
    commands: [
      { suffix: 'light/set', apply: (payload) => model.setLight(roomId, parseLightCommand(payload)) },
    ],
  };
}
