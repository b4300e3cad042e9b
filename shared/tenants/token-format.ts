/**
 * Tokens look like `ec_<40 base62 characters>_<6 base62 checksum>`: about 238 random bits, a
 * prefix that secret scanners and people recognise, and a checksum that rejects typos and
 * random guesses before any lookup (no Redis round trip for garbage).
 */

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
const TOKEN_PATTERN = /^ec_([0-9A-Za-z]{40})_([0-9A-Za-z]{6})$/;

export function generateToken(): string {
  const body = randomBase62(BODY_LENGTH);
  return `ec_${body}_${checksum(body)}`;
}

export function isWellFormedToken(token: string): boolean {
  const match = TOKEN_PATTERN.exec(token);
  return match !== null && checksum(match[1] as string) === match[2];
}

/** Enough of a token to recognise it in a list, too little to use it. */
export function tokenHint(token: string): string {
  return `${token.slice(0, 7)}…`;
}

function randomBase62(length: number): string {
  let out = "";
  // Rejection sampling: 62 does not divide 256, and a biased modulo would weaken the token.
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function checksum(body: string): string {
  let value = crc32(new TextEncoder().encode(body));
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
