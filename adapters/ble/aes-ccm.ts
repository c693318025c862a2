import { createDecipheriv } from 'node:crypto';

/** AES-128-CCM decryption with a 4-byte tag (BTHome and MiBeacon v4/v5); null when authentication fails. */
export function decryptCcm(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad?: Uint8Array,
): Uint8Array | null {
  try {
    const decipher = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: 4 });
    decipher.setAuthTag(tag);
    if (aad) decipher.setAAD(aad, { plaintextLength: ciphertext.length });
    const out = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return new Uint8Array(out);
  } catch {
    return null;
  }
}
