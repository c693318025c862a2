import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Which Host (and Origin) names the HTTP/WebSocket API answers to. A DNS-rebinding page reaches
 * 127.0.0.1 under the attacker's own host name, so refusing any name we were not told about closes
 * it (the same defence as Vite's `server.allowedHosts` and webpack-dev-server's `allowedHosts`).
 * Always allowed: the loopback names, the bind address, and, when bound to every interface, this
 * machine's own addresses (an IP literal cannot be rebound). Everything else must be configured.
 */
export class HostCheck {
  readonly #allowed: Set<string>;

  constructor(opts: { bindHost: string; allowedHosts?: readonly string[] }) {
    const names = ['localhost', '127.0.0.1', '::1', opts.bindHost, ...(opts.allowedHosts ?? [])];
    if (opts.bindHost === '0.0.0.0' || opts.bindHost === '::') {
      for (const list of Object.values(networkInterfaces()))
        for (const addr of list ?? []) names.push(addr.address);
    }
    this.#allowed = new Set(names.map(normalise).filter((n) => n !== ''));
  }

  /** the Host header, with or without its port */
  hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    return this.#allowed.has(normalise(stripPort(hostHeader)));
  }

  /** A missing Origin is a non-browser client; a present one must name an allowed host. */
  originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    try {
      const url = new URL(origin);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      return this.#allowed.has(normalise(url.hostname));
    } catch {
      return false;
    }
  }

  /** for the refusal message: what an operator would add to `http.allowedHosts` */
  describe(): string {
    return [...this.#allowed].join(', ');
  }
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  // more than one colon and no brackets: a bare IPv6 address (not valid in Host, compared as is)
  return colon !== -1 && host.indexOf(':', colon + 1) === -1 ? host.slice(0, colon) : host;
}

function normalise(name: string): string {
  let n = name.trim().toLowerCase();
  if (n.startsWith('[') && n.endsWith(']')) n = n.slice(1, -1);
  if (n.endsWith('.') && isIP(n) === 0) n = n.slice(0, -1);
  const zone = n.indexOf('%');
  if (zone !== -1 && isIP(n.slice(0, zone)) === 6) n = n.slice(0, zone);
  return n;
}
