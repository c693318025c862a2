import { describe, expect, it } from 'vitest';
import { encode } from 'uqr';
import {
  connectionOf,
  connectionRows,
  connectionUrl,
} from '../../../renderer/pages/commissioning/mqtt-settings.ts';

const conn = {
  host: '192.168.1.10',
  port: 1883,
  tlsPort: 8883,
  username: 'tasmota_1A2B3C',
  password: 'p@ss/w:rd?&',
  clientId: 'tasmota_1A2B3C',
  topic: 'tasmota_1A2B3C',
};

describe('Wi-Fi device settings panel', () => {
  it('the QR URL escapes the password and picks the TLS port on request', () => {
    const plain = new URL(connectionUrl(conn, false));
    expect(plain.protocol).toBe('mqtt:');
    expect(plain.port).toBe('1883');
    expect(decodeURIComponent(plain.password)).toBe(conn.password);
    expect(plain.searchParams.get('clientId')).toBe(conn.clientId);
    const tls = new URL(connectionUrl(conn, true));
    expect(tls.protocol).toBe('mqtts:');
    expect(tls.port).toBe('8883');
    expect(connectionUrl({ ...conn, tlsPort: null }, true)).toMatch(/^mqtt:\/\/.*:1883\?/);
    expect(encode(connectionUrl(conn, true)).size).toBeGreaterThan(20);
  });

  it('rows follow the device pages and hide the TLS port when TLS is off', () => {
    expect(connectionRows(conn).map((r) => r.label)).toEqual([
      'Host',
      'Port',
      'TLS port',
      'User',
      'Password',
      'Client',
      'Topic',
    ]);
    expect(connectionRows({ ...conn, tlsPort: null }).some((r) => r.label === 'TLS port')).toBe(false);
  });

  it('only an adopt result with a connection shows the panel', () => {
    expect(connectionOf({ id: 'd1' })).toBeNull();
    expect(connectionOf({ id: 'd1', connection: conn })).toEqual(conn);
  });
});
