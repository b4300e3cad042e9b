import { SieveCache } from "../../shared/cache/sieve-cache.ts";
import { Lru } from "./lru.ts";
import type { PolicyFactory } from "./policy.ts";
import { S3Fifo } from "./s3-fifo.ts";
import { WTinyLfu } from "./w-tinylfu.ts";

/** The online policies under study. SIEVE is the service's own L1 class, not a copy of it. */
export const ONLINE_POLICIES: readonly PolicyFactory[] = [
  { name: "LRU", create: (capacity) => new Lru<number>(capacity) },
  // Entries weigh 1 byte each, so a byte budget equal to the capacity holds that many entries.
  { name: "SIEVE", create: (capacity) => new SieveCache<number>({ budgetBytes: capacity }) },
  { name: "S3-FIFO", create: (capacity) => new S3Fifo<number>({ capacity }) },
  { name: "W-TinyLFU", create: (capacity) => new WTinyLfu<number>({ capacity }) },
];
