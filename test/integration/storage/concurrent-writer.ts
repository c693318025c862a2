// Child process for the cross-process test: writes its own documents and races the parent for
// the "contested-*" ids. Prints a JSON summary on stdout.
import { getRxStorageNodeSqlite } from '../../../main/core/storage/sqlite-rxstorage/index.ts';
import { createDeviceInstance, deviceRow } from './fixtures.ts';

const [databaseFile, prefix, batchesArg] = process.argv.slice(2);
const batches = Number(batchesArg);
const instance = await createDeviceInstance(
  getRxStorageNodeSqlite({ databaseFile: databaseFile! }),
  'shared',
  'devices',
);
let won = 0;
let lost = 0;
for (let batch = 0; batch < batches; batch++) {
  const rows = Array.from({ length: 10 }, (_, i) => ({
    document: deviceRow({ id: `${prefix}-${batch}-${i}`, name: prefix!, floor: batch, online: true }),
  }));
  rows.push({ document: deviceRow({ id: `contested-${batch}`, name: prefix!, floor: batch, online: true }) });
  const result = await instance.bulkWrite(rows, 'child');
  lost += result.error.length;
  won += 1 - result.error.length;
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await instance.close();
process.stdout.write(JSON.stringify({ won, lost }));
