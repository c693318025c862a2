import type { Entity, EntityState } from '../../shared/domain/entity.ts';
import { formatAgo, formatState } from '../lib/format.ts';

export function EntityValue({ entity, state }: { entity: Entity; state: EntityState | undefined }) {
  const quality = state?.quality ?? 'unavailable';
  const title = state
    ? `${quality === 'good' ? 'Reported' : `Quality: ${quality}; reported`} ${formatAgo(state.ts)} by ${state.source}`
    : 'No value yet';
  return (
    <span
      className={`value q-${quality}`}
      data-testid={`entity-value-${entity.id}`}
      data-quality={quality}
      title={title}
    >
      {formatState(entity, state)}
    </span>
  );
}
