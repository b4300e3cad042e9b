import { gzipSync } from "node:zlib";
import { seededRandom } from "../../l1/prng.ts";

/** Every legacy value is exactly this long: the 1 KiB. */
export const VALUE_BYTES = 1024;

/** TTLs are spread over 1 to 7 days: none expires during a copy, and each key carries its own. */
const DAY_SECONDS = 86_400;

/**
 * Legacy caches mostly hold JSON documents: text that gzips about 2-3× (the Worker compresses
 * values from 1 KiB on), never twice the same. Each value is a document naming its key, around a
 * window of a corpus of made-up words; the corpus is built once from a fixed seed, so a run's data
 * is the same every time and generating a million values costs slices, not words.
 */
const corpus = buildCorpus(256 * 1024);

function buildCorpus(bytes: number): string {
  const random = seededRandom(0x6d696772);
  const syllables = ["ka", "lo", "mi", "ne", "sa", "tu", "ri", "vo", "pe", "da", "xi", "bru", "sto", "lan", "qua", "ter"];
  const words = Array.from({ length: 2000 }, () => {
    const length = 1 + Math.floor(random() * 4);
    return Array.from({ length }, () => syllables[Math.floor(random() * syllables.length)]).join("");
  });
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = words[Math.floor(random() ** 2 * words.length)] as string;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(" ");
}

export function legacyKey(index: number): string {
  return `legacy:doc:${index}`;
}

export function legacyTtlSeconds(index: number): number {
  return DAY_SECONDS + ((index * 7919) % (6 * DAY_SECONDS));
}

export function legacyValue(index: number): Buffer {
  const head = `{"id":${index},"kind":"doc","text":"`;
  const tail = `"}`;
  const textBytes = VALUE_BYTES - head.length - tail.length;
  const offset = (Math.imul(index, 2654435761) >>> 0) % (corpus.length - textBytes);
  return Buffer.from(head + corpus.slice(offset, offset + textBytes) + tail, "latin1");
}

/** How much the values shrink under gzip (original / gzipped), over a sample: the Worker's compression work. */
export function sampleGzipRatio(samples = 200): number {
  let plain = 0;
  let packed = 0;
  for (let i = 0; i < samples; i++) {
    const value = legacyValue(i * 4099);
    plain += value.byteLength;
    packed += gzipSync(value).byteLength;
  }
  return plain / packed;
}
