import type { SiteState } from '../../store/site-store.ts';
import { ZigbeeLinks } from './ZigbeeLinks.tsx';
import { ZigbeeOta } from './ZigbeeOta.tsx';

/** What a Zigbee device's page adds for installers: firmware updates, bindings and groups. */
export function ZigbeeDeviceTools({ site, deviceId }: { site: SiteState; deviceId: string }) {
  return (
    <section className="card" data-testid="zigbee-device-tools">
      <h3>Zigbee</h3>
      <ZigbeeOta deviceId={deviceId} />
      <ZigbeeLinks site={site} deviceId={deviceId} />
    </section>
  );
}
