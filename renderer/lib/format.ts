import type { Entity, EntityState, StateValue } from '../../shared/domain/entity.ts';

const BINARY_WORDS: Record<string, [string, string]> = {
  occupancy: ['Occupied', 'Clear'],
  motion: ['Motion', 'Clear'],
  presence: ['Present', 'Away'],
  door: ['Open', 'Closed'],
  window: ['Open', 'Closed'],
  opening: ['Open', 'Closed'],
  contact: ['Open', 'Closed'],
  moisture: ['Wet', 'Dry'],
  leak: ['Leak', 'Dry'],
  smoke: ['Smoke', 'Clear'],
};

export function formatNumber(n: number, unit: string | null): string {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${text} ${unit}` : text;
}

function scalarText(v: StateValue): string {
  if (v === null) return '—';
  if (typeof v === 'number') return formatNumber(v, null);
  if (typeof v === 'boolean') return v ? 'On' : 'Off';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** How a state reads to a person: "21.4 °C", "Occupied", "On · 60 %", "Heat · set 21 °C". */
export function formatState(entity: Entity, state: EntityState | undefined): string {
  if (!state) return '—';
  const v = state.value;
  if (entity.kind === 'binary_sensor' && typeof v === 'boolean') {
    const words = BINARY_WORDS[entity.deviceClass ?? ''] ?? ['On', 'Off'];
    return v ? words[0] : words[1];
  }
  if (typeof v === 'number') return formatNumber(v, entity.unit);
  if (v !== null && typeof v === 'object') {
    if (entity.kind === 'climate') {
      const parts: string[] = [];
      if (typeof v.mode === 'string') parts.push(capitalise(v.mode));
      if (typeof v.current === 'number') parts.push(formatNumber(v.current, entity.unit ?? '°C'));
      if (typeof v.setpoint === 'number') parts.push(`set ${formatNumber(v.setpoint, entity.unit ?? '°C')}`);
      return parts.join(' · ') || '—';
    }
    if (entity.kind === 'light') {
      if (v.on === false) return 'Off';
      return typeof v.level === 'number' ? `On · ${Math.round(v.level)} %` : 'On';
    }
    return Object.entries(v)
      .map(([k, x]) => `${k} ${scalarText(x)}`)
      .join(' · ');
  }
  return scalarText(v);
}

export function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", then a date. */
export function formatAgo(ts: number | null, now: number = Date.now()): string {
  if (ts === null) return 'never';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ts).toLocaleString('en-GB');
}

export function formatDateTime(ts: number): string {
  return new Date(ts).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min ${Math.floor(seconds % 60)} s`;
}
