/** Hash routes: they work from the headless server and from a file:// page in Electron alike. */
export type Route =
  | { page: 'overview' }
  | { page: 'devices' }
  | { page: 'device'; deviceId: string }
  | { page: 'settings'; tab: string | null }
  | { page: 'commissioning' }
  | { page: 'rules'; tab: string | null }
  | { page: 'energy'; tab: string | null };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [head, arg] = parts;
  if (head === 'devices' && arg) return { page: 'device', deviceId: arg };
  if (head === 'devices') return { page: 'devices' };
  if (head === 'settings') return { page: 'settings', tab: arg ?? null };
  if (head === 'commissioning') return { page: 'commissioning' };
  if (head === 'rules') return { page: 'rules', tab: arg ?? null };
  if (head === 'energy') return { page: 'energy', tab: arg ?? null };
  return { page: 'overview' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'devices':
      return '#/devices';
    case 'device':
      return `#/devices/${encodeURIComponent(route.deviceId)}`;
    case 'settings':
      return route.tab ? `#/settings/${encodeURIComponent(route.tab)}` : '#/settings';
    case 'commissioning':
      return '#/commissioning';
    case 'rules':
      return route.tab ? `#/rules/${encodeURIComponent(route.tab)}` : '#/rules';
    case 'energy':
      return route.tab ? `#/energy/${encodeURIComponent(route.tab)}` : '#/energy';
  }
}
