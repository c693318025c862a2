import type { Acl } from './acl.ts';

/** Where an enrolling device's publishes land: only the commissioning listener reads here. */
export const ENROLL_ROOT = '$truss/enroll';

/**
 * What a device without credentials may announce while the commissioning window is open: the
 * discovery messages of the families Truss adopts, nothing else (the MQTT adapter hands the
 * broker its own list when it opens the window, with the site's discovery prefix and Zigbee2MQTT
 * base; this one is for the defaults). Whatever it publishes is moved
 * under `$truss/enroll/<clientId>/`, never retained, so no device, no adapter state and no
 * history ever sees it.
 */
export const ENROLLMENT_ACL: Acl = {
  publish: [
    'tasmota/discovery/+/config',
    'tasmota/discovery/+/sensors',
    'homeassistant/#',
    '+/online',
    '+/events/rpc',
    'zigbee2mqtt/bridge/devices',
    'zigbee2mqtt/bridge/info',
  ],
  subscribe: [],
};

export const MAX_ENROLLING = 16;
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function enrollmentTopic(clientId: string, topic: string): string {
  return `${ENROLL_ROOT}/${clientId}/${topic}`;
}

/** A clientId that can name an enrollment sandbox (it becomes a topic level). */
export function isEnrollableClientId(id: string): boolean {
  return CLIENT_ID.test(id);
}

/** The commissioning window as the broker keeps it. */
export class EnrollmentWindow {
  #until: number | null = null;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #acl: Acl = ENROLLMENT_ACL;

  open(untilMs: number, announce?: readonly string[]): void {
    this.#until = untilMs;
    if (announce) this.#acl = { publish: [...announce], subscribe: [] };
  }

  /** what enrolling devices may publish while this window is open */
  acl(): Acl {
    return this.#acl;
  }

  close(): void {
    this.#until = null;
    this.#acl = ENROLLMENT_ACL;
  }

  isOpen(): boolean {
    if (this.#until === null) return false;
    if (this.#now() < this.#until) return true;
    this.#until = null;
    return false;
  }

  openUntil(): number | null {
    return this.isOpen() ? this.#until : null;
  }
}
