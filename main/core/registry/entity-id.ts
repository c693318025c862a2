/** Readable, stable entity ids in the style installers know from Home Assistant: `sensor.office_temperature`. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return s || 'entity';
}

export function proposeEntityId(
  kind: string,
  deviceName: string,
  entityName: string,
  taken: (id: string) => boolean,
): string {
  const device = slug(deviceName);
  const entity = slug(entityName);
  const base = `${kind}.${entity.startsWith(device) ? entity : `${device}_${entity}`}`;
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}_${n}`;
  return id;
}
