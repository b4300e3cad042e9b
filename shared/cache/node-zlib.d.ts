// The Workers types describe no node:* module. This is the part of node:zlib the entry codec
// uses, as workerd provides it natively with the `nodejs_compat` compatibility flag (wrangler.toml).
declare module "node:zlib" {
  export function gzipSync(data: Uint8Array): Uint8Array;
  export function gunzipSync(data: Uint8Array): Uint8Array;
}
