import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateFileDamaged } from '../../../shared/adapter/contract.ts';
import { AdoptedStore } from '../../../adapters/ble/adopted-store.ts';
import { adapterFiles, writePrivateFileAtomic } from '../../../main/core/storage/private-files.ts';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'truss-files-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('state files: private, atomic, named when damaged', () => {
  it('writes 0600 whatever the umask, replaces whole, and leaves no temp file', () => {
    const dir = fresh();
    const file = join(dir, 'state.json');
    const previous = process.umask(0o000);
    try {
      writePrivateFileAtomic(file, '{"v":1}');
      writePrivateFileAtomic(file, '{"v":2}');
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('{"v":2}');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('refuses names that would leave the adapter folder', () => {
    const files = adapterFiles(fresh());
    for (const bad of ['../truss.db', 'a/b', '.hidden', ''])
      expect(() => files.write(bad, 'x')).toThrow(/plain state-file name/);
  });

  it('BLE adopted.json: a damaged file throws StateFileDamaged naming it, never "no devices"', () => {
    const dir = fresh();
    const files = adapterFiles(dir);
    const store = new AdoptedStore(files);
    store.devices.set('AA:BB', { mac: 'AA:BB', name: 'Hall', format: 'bthome', encrypted: false });
    store.save();
    expect(new AdoptedStore(files).devices.get('AA:BB')?.name).toBe('Hall');
    writeFileSync(join(dir, 'adopted.json'), '{"devices":[{"mac":');
    expect(() => new AdoptedStore(files)).toThrow(StateFileDamaged);
    expect(() => new AdoptedStore(files)).toThrow(join(dir, 'adopted.json'));
    writeFileSync(join(dir, 'adopted.json'), '{"devices":"none"}');
    expect(() => new AdoptedStore(files)).toThrow(/adopted\.json is damaged/);
  });
});
