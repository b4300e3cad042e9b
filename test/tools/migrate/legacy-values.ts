/**
 * Values as the legacy caches hold them (LEGACY-CACHES.md), made byte for byte as their clients
 * write them. The pickles were produced by CPython's pickle.dumps.
 */

/** pickle.dumps({"symbol": "AAPL", "close": [1.5, 2.25]}, protocol=4): report cache A, market data E. */
export const PICKLE_PROTOCOL_4 = Buffer.from(
  "80049533000000000000007d94288c0673796d626f6c948c044141504c948c05636c6f7365945d9428473ff800000000000047400200000000000065752e",
  "hex",
);

/** pickle.dumps({"a": 1}, protocol=2). */
export const PICKLE_PROTOCOL_2 = Buffer.from("80027d710058010000006171014b01732e", "hex");

/** pickle.dumps({"a": "b"}, protocol=0): ASCII, so only pymemcache's flag 1 tells it from text. */
export const PICKLE_PROTOCOL_0 = Buffer.from("(dp0\nVa\np1\nVb\np2\ns.", "latin1");

/** A school cache C document. */
export const SCHOOL_DOCUMENT = Buffer.from(JSON.stringify({ id: "doc-7", embedding: [0.12, -0.5, 0.33], text: "Photosynthèse" }));
