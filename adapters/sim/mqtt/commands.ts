import { CommandError } from '../building/model.ts';
import type { ThermostatMode } from '../building/thermal.ts';
import { THERMOSTAT_MODES } from '../building/thermal.ts';

/** Payload parsers for the command topics: strict, so a hostile or sloppy payload changes nothing. */

export function parseOnOff(payload: string): boolean {
  if (payload === 'ON') return true;
  if (payload === 'OFF') return false;
  throw new CommandError(`expected ON or OFF, got ${JSON.stringify(payload.slice(0, 40))}`);
}

export function parseLightCommand(payload: string): { on?: boolean; brightness?: number } {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    throw new CommandError('light command is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CommandError('light command must be a JSON object');
  }
  const { state, brightness } = body as Record<string, unknown>;
  const change: { on?: boolean; brightness?: number } = {};
  if (state !== undefined) {
    if (state !== 'ON' && state !== 'OFF') throw new CommandError('light state must be ON or OFF');
    change.on = state === 'ON';
  }
  if (brightness !== undefined) {
    if (
      typeof brightness !== 'number' ||
      !Number.isFinite(brightness) ||
      brightness < 0 ||
      brightness > 255
    ) {
      throw new CommandError('brightness must be a number 0-255');
    }
    change.brightness = brightness;
  }
  if (change.on === undefined && change.brightness === undefined) {
    throw new CommandError('light command needs state or brightness');
  }
  return change;
}

export function parseMode(payload: string): ThermostatMode {
  const mode = THERMOSTAT_MODES.find((m) => m === payload);
  if (!mode) throw new CommandError(`mode must be one of ${THERMOSTAT_MODES.join(', ')}`);
  return mode;
}

export function parseTemperature(payload: string): number {
  const text = payload.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new CommandError('setpoint must be a plain decimal number');
  return Math.round(Number(text) * 10) / 10;
}
