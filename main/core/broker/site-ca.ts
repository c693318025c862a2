// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata API
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { SecretStore } from '../../../shared/adapter/contract.ts';

x509.cryptoProvider.set(webcrypto as never);

type Key = webcrypto.CryptoKey;
type KeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;
/** devices pin the CA, so it outlives any sensible hardware life */
const CA_DAYS = 20 * 365;
const SERVER_DAYS = 2 * 365;
/** renew the server certificate this long before it expires */
const RENEW_BEFORE = 30 * DAY;

export interface SiteTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const serial = (): string => {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive
  return b.toString('hex');
};

const pemKey = async (key: Key): Promise<string> =>
  x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');

const importKey = (pem: string): Promise<Key> =>
  webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decode(pem)[0]!, ALG, true, ['sign']);

const isIp = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');

/**
 * The site's own CA and the broker's server certificate. The CA key is the one secret here: it
 * lives only in the encrypted secret store, so a copied data directory without the key file
 * cannot mint certificates devices would trust. The server certificate is re-issued when the
 * names it must cover change or it nears expiry; the CA stays, so devices that pinned it keep working.
 */
export async function loadOrCreateSiteTls(
  secrets: SecretStore,
  names: string[],
  now: () => number = Date.now,
): Promise<SiteTls> {
  let caPem = await secrets.get('ca.cert');
  let caKeyPem = await secrets.get('ca.key');
  if (!caPem || !caKeyPem) {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=Truss site CA ${randomBytes(4).toString('hex')}, O=Truss`,
      notBefore: new Date(now() - DAY),
      notAfter: new Date(now() + CA_DAYS * DAY),
      signingAlgorithm: ALG,
      keys: keys as never,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
      ],
    });
    caPem = ca.toString('pem');
    caKeyPem = await pemKey(keys.privateKey);
    await secrets.set('ca.key', caKeyPem);
    await secrets.set('ca.cert', caPem);
    // a new CA invalidates any server certificate from an older one
    await secrets.delete('server.cert');
  }
  const wanted = [...new Set(names)].sort().join(',');
  const certPem = await secrets.get('server.cert');
  const keyPem = await secrets.get('server.key');
  if (certPem && keyPem && (await secrets.get('server.names')) === wanted) {
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() - now() > RENEW_BEFORE) return { caPem, certPem, keyPem };
  }
  const ca = new x509.X509Certificate(caPem);
  const caKey = await importKey(caKeyPem);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=truss-broker, O=Truss',
    issuer: ca.subject,
    notBefore: new Date(now() - DAY),
    notAfter: new Date(now() + SERVER_DAYS * DAY),
    signingAlgorithm: ALG,
    signingKey: caKey as never,
    publicKey: keys.publicKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        [...new Set(names)].map((n) =>
          isIp(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
        ),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const out = { caPem, certPem: server.toString('pem'), keyPem: await pemKey(keys.privateKey) };
  await secrets.set('server.key', out.keyPem);
  await secrets.set('server.cert', out.certPem);
  await secrets.set('server.names', wanted);
  return out;
}
