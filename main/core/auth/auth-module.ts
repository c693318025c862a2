import { CoreError } from '../errors.ts';
import { defineModule, type CallContext } from '../module.ts';
import { AuthService } from './auth-service.ts';

declare module '../module.ts' {
  interface ModuleApis {
    auth: AuthService;
  }
}

const HOUR = 3600_000;

function sessionOf(ctx: CallContext) {
  if (!ctx.session) throw new CoreError('unauthenticated', 'Log in first.');
  return ctx.session;
}

/** Users, roles, sessions and sign-in. */
export const authModule = defineModule({
  name: 'auth',
  async start(ctx) {
    const auth = new AuthService(ctx.use('database'), { dataDir: ctx.dataDir, now: ctx.now });
    await auth.load();
    ctx.every(HOUR, 'session expiry', () => auth.purgeExpired());
    return {
      api: auth,
      handlers: {
        'auth.status': async () => ({ needsSetup: await auth.needsSetup() }),
        'auth.setup': async (p, c) => auth.setup(p.username, p.password, p.code, c.source),
        'auth.login': async (p, c) => auth.login(p.username, p.password, c.source),
        'auth.logout': async (_p, c) => {
          await auth.logout(sessionOf(c).id);
          return { ok: true };
        },
        'auth.me': async (_p, c) => sessionOf(c).user,
        'user.list': async () => auth.listUsers(),
        'user.create': async (p) => auth.createUser(p.username, p.password, p.role),
        'user.setRole': async (p) => auth.setRole(p.userId, p.role),
        'user.delete': async (p, c) => {
          await auth.deleteUser(p.userId, sessionOf(c).user.id);
          return { ok: true };
        },
        'user.changePassword': async (p, c) => {
          await auth.changePassword(sessionOf(c), p.currentPassword, p.newPassword);
          return { ok: true };
        },
      },
    };
  },
});
