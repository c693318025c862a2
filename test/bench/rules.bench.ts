/**
 * Rules: trigger-to-command latency and sustained evaluations, measured from the simulated
 * devices' side (a sensor device publishes a state, the actuator device receives the command),
 * for Truss and for Node-RED running the equivalent flow, in the same run.
 *
 * Truss is measured on its production path: a real core (main/host/compose.ts, demo off) in a
 * child process with its embedded broker; the devices are mqtt.js clients holding credentials the
 * core issued, announced by Home Assistant discovery, so the MQTT adapter registers the entities,
 * the state store takes every report and the rules (saved through the API as an admin) command the
 * switches through the adapter. Node-RED runs as an MQTT client of its own Debian mosquitto.
 *
 * Load: 500 rules over 1,000 sensors. Rule j triggers on a change of sensor 2j, checks a numeric
 * condition on sensor 2j+1 and turns switch j on. Phase 1 paces 1,000 state changes/s (half of
 * them triggers) and records each trigger's latency; phase 2 publishes triggers in a closed loop
 * (a fixed number in flight) and counts the commands that come back per second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure, BenchReport } from './bench-kit.ts';
import { measure, type EngineResult, type LoadShape } from './rules-load.ts';
import { ensureNodeRed, withNodeRed } from './rules-node-red.ts';
import { withTruss } from './rules-truss-devices.ts';

const SHAPE: LoadShape = {
  rules: 500,
  entities: 1000,
  rate: 1000,
  pacedSeconds: 10,
  warmupSeconds: 3,
  window: 200,
  saturationSeconds: 8,
};
const { rules: RULES, entities: ENTITIES, rate: RATE, window: WINDOW } = SHAPE;
const {
  pacedSeconds: PACED_SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  saturationSeconds: SATURATION_SECONDS,
} = SHAPE;

export async function run(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'truss-rules-bench-'));
  const notes: string[] = [
    `${RULES} rules over ${ENTITIES} entities; ${RATE} state changes/s for ${PACED_SECONDS} s after ${WARMUP_SECONDS} s of warm-up (half trigger a rule), then ${SATURATION_SECONDS} s closed-loop with ${WINDOW} triggers in flight`,
    'latency: sensor device publishes -> actuator device receives the command on its command topic',
  ];
  let red: EngineResult | null = null;
  let truss: EngineResult;
  try {
    // Node-RED first, so any warmth of the machine favours it, not us.
    const why = ensureNodeRed();
    if (why) notes.push(`Node-RED column skipped: ${why}`);
    else {
      try {
        red = await withNodeRed(dir, RULES, ENTITIES, (devices) => measure(devices, SHAPE));
        notes.push(
          `Node-RED 4 (from .bench/node-red) on a fresh Debian mosquitto: per rule an mqtt-in and a function node reading the condition from flow context; one sensor and one actuator client; ${red.stalls} stall(s) of 1 s in the closed loop`,
        );
      } catch (err) {
        notes.push(`Node-RED column skipped: ${(err as Error).message}`);
      }
    }
    truss = await withTruss(ENTITIES, RULES, async (site) => {
      const result = await measure(site.devices, SHAPE);
      notes.push(
        `Truss: a real core in a child process (embedded broker, MQTT adapter, state store, rules saved through the API); ${site.deviceCount} devices with core-issued credentials announced ${site.entities} entities by HA discovery (${ENTITIES} sensors, ${RULES} switches); ${result.stalls} stall(s) of 1 s in the closed loop`,
      );
      return result;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const figures: BenchFigure[] = [
    {
      label: 'trigger-to-command latency p50',
      unit: 'ms',
      value: truss.p50,
      higherIsBetter: false,
      ...(red ? { baseline: red.p50 } : {}),
    },
    {
      label: 'trigger-to-command latency p99',
      unit: 'ms',
      value: truss.p99,
      higherIsBetter: false,
      ...(red
        ? {
            baseline: red.p99,
            target: { description: '<= 1/3 of Node-RED p99', met: truss.p99 <= red.p99 / 3 },
          }
        : {}),
    },
    {
      label: 'sustained rule evaluations',
      unit: 'runs/s',
      value: truss.throughput,
      higherIsBetter: true,
      ...(red
        ? {
            baseline: red.throughput,
            target: { description: '>= 3x Node-RED', met: truss.throughput >= 3 * red.throughput },
          }
        : {}),
    },
    {
      label: 'commands lost at 1,000 changes/s',
      unit: 'count',
      value: truss.lost,
      higherIsBetter: false,
      ...(red ? { baseline: red.lost } : {}),
    },
  ];
  return {
    name: 'rules engine vs Node-RED',
    baselineName: red ? 'Node-RED' : 'Node-RED (skipped)',
    figures,
    notes,
  };
}
