import type { CallContext, Handlers } from '../../module.ts';
import { CoreError } from '../../errors.ts';
import type { EnergyService } from './energy-service.ts';

type EnergyMethod = Extract<keyof Handlers, `energy.${string}`>;

const actorOf = (c: CallContext) => c.session?.user.username ?? 'system';

/** The API's energy methods. */
export function createEnergyHandlers(energy: EnergyService): Pick<Handlers, EnergyMethod> {
  return {
    'energy.overview': async () => energy.overview() as never,
    'energy.balance': async () => energy.balance(),
    'energy.meters': async () => energy.meters(),
    'energy.settings': async () => energy.settings(),
    'energy.saveSettings': async (p) => energy.saveSettings(p.settings),
    'energy.tree': async () => ({ tree: energy.tree() }),
    'energy.saveTree': async (p) => ({ tree: await energy.saveTree(p.tree) }),
    'energy.importTree': async (p) => ({ tree: await energy.importTree(p.text) }),
    'energy.exportTree': async () => energy.exportTree(),
    'energy.tariffs': async () => ({ tariffs: energy.tariffs.list() }),
    'energy.tariff': async (p) => ({ tariff: energy.tariffs.get(p.tariffId) }),
    'energy.saveTariff': async (p, c) => ({ tariff: await energy.tariffs.save(p.tariff, actorOf(c)) }),
    'energy.importTariff': async (p, c) => ({ tariff: await energy.tariffs.import(p.text, actorOf(c)) }),
    'energy.exportTariff': async (p) => energy.tariffs.export(p.tariffId),
    'energy.tariffRevisions': async (p) => ({ revisions: energy.tariffs.revisions(p.tariffId) }),
    'energy.uploadPrices': async (p) => {
      const r = energy.tariffs.uploadFile(p.fileName, p.text);
      energy.pricesChanged(r.saved);
      return { format: r.format, skipped: r.skipped, ...r.saved };
    },
    'energy.prices': async (p) => {
      if (!(p.to > p.from) || p.to - p.from > 400 * 86_400_000)
        throw new CoreError('bad_request', '"to" must be after "from", at most 400 days later.', [
          { path: 'to', message: 'bad range' },
        ]);
      return { feed: energy.tariffs.refreshFeed(), points: energy.tariffs.prices(p.from, p.to) };
    },
    'energy.costs': async (p) => energy.costs(p.from, p.to, p.by),
    'energy.corrections': async (p) => energy.corrections(p),
    'energy.correctionsCsv': async (p) => ({
      fileName: 'meter-corrections.csv',
      text: energy.correctionsCsv(p),
    }),
    'energy.accuracy': async () => energy.accuracy(),
  };
}
