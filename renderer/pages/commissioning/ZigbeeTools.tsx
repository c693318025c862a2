import { ZigbeeInstallCode } from './ZigbeeInstallCode.tsx';
import { ZigbeeNetworkMap } from './ZigbeeNetworkMap.tsx';

/** What the Zigbee family adds to the commissioning desk: install codes and the mesh map. */
export function ZigbeeTools({ adapter }: { adapter: string }) {
  return (
    <div className="stack">
      <ZigbeeInstallCode adapter={adapter} />
      <ZigbeeNetworkMap adapter={adapter} />
    </div>
  );
}
