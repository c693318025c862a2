import { defineModule } from '../module.ts';
import { EncryptedSecretStore } from './secret-store.ts';

declare module '../module.ts' {
  interface ModuleApis {
    secrets: EncryptedSecretStore;
  }
}

/** Secrets at rest (network keys, bindkeys, the site CA key), encrypted under the site's master key. */
export const secretsModule = defineModule({
  name: 'secrets',
  async start(ctx) {
    return { api: new EncryptedSecretStore(ctx.use('database'), ctx.secretsKey()) };
  },
});
