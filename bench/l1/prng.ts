/**
 * sfc32 (Chris Doty-Humphrey's small fast chaotic generator): 128 bits of state, fast in JS
 * with 32-bit integer ops, and seeded explicitly so every trace is reproducible byte for byte.
 */
export type Random = () => number;

/** Uniform floats in [0, 1) from a seed. */
export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs still echo the constant part of the state; discard them.
  for (let i = 0; i < 16; i++) next();
  return next;
}
