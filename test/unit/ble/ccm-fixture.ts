import { createCipheriv } from 'node:crypto';

/** Encrypts as a device would (AES-128-CCM, 4-byte tag), to build vectors with chosen counters. */
export function encryptCcm(
  key: Uint8Array,
  nonce: Uint8Array,
  plain: Uint8Array,
  aad?: Uint8Array,
): { ct: Uint8Array; tag: Uint8Array } {
  const c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: 4 });
  if (aad) c.setAAD(aad, { plaintextLength: plain.length });
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return { ct: new Uint8Array(ct), tag: new Uint8Array(c.getAuthTag()) };
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replaceAll(' ', ''), 'hex'));
