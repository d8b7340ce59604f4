// Subresource Integrity digests (`sha256-<base64>`) of model bytes. Used on the page to check the option's format
// and in the worker to check the bytes, with SubtleCrypto.

const SRI = /^sha256-[A-Za-z0-9+/]{43}=$/;

/** Whether `value` is an SRI sha256 digest, the only algorithm tensorlane checks: `sha256-` and 44 base64 chars. */
export function isIntegrity(value: unknown): value is string {
  return typeof value === 'string' && SRI.test(value);
}

/** The SRI sha256 digest of `bytes`, e.g. `sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=`. */
export async function digestOf(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let binary = '';
  for (const byte of hash) binary += String.fromCharCode(byte);
  return `sha256-${btoa(binary)}`;
}
