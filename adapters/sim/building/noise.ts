/**
 * Seeded randomness as pure functions of (seed, channel, position) rather than a sequential
 * generator: the model then gives the same weather, occupancy and load events whatever the step
 * size, and one channel's draws never shift another's.
 */

/** FNV-1a over the channel name, so channels are named in code and stable across releases. */
export function channelId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform draw in [0, 1) for one integer position of one channel. */
export function hash01(seed: number, channel: string, position: number): number {
  let h = (seed | 0) ^ channelId(channel);
  h = Math.imul(h ^ (position | 0), 0x85ebca6b);
  h ^= Math.floor(position / 0x100000000) | 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 15;
  return (h >>> 0) / 0x100000000;
}

/** Smooth noise in [-1, 1]: hashed values on an integer grid, eased in between. */
export function valueNoise(seed: number, channel: string, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = hash01(seed, channel, i) * 2 - 1;
  const b = hash01(seed, channel, i + 1) * 2 - 1;
  const eased = f * f * (3 - 2 * f);
  return a + (b - a) * eased;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
