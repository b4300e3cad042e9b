/**
 * The 1 KiB value every scenario reads and writes, so the bare route, the SDK route, the peer
 * and edge-cache move the same bytes. It is HTML-like text: realistic for a cached fragment,
 * compressible (edge-cache gzips values from 1024 bytes when that is smaller), and not JSON, so
 * the SDK's automatic deserialization in the naive route gives it back as the same string.
 */
export const VALUE_BYTES = 1024;

const WORDS = ["cache", "edge", "tenant", "fresh", "stale", "origin", "isolate", "redis", "value", "key", "warm", "hit"];

function buildValue(): string {
  let text = '<section class="card"><p>';
  // A fixed linear congruential walk: the value is identical on every run and in every process.
  let state = 7;
  while (text.length < VALUE_BYTES - 16) {
    state = (state * 1103515245 + 12345) % 2147483648;
    text += `${WORDS[state % WORDS.length]} `;
  }
  return `${text}</p></section>`.padEnd(VALUE_BYTES, " ").slice(0, VALUE_BYTES);
}

export const VALUE = buildValue();
