// The Workers types describe no node:* module. This is the part of AsyncLocalStorage the request
// budget uses, as workerd provides it with the `nodejs_compat` compatibility flag (wrangler.toml).
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
    exit<R>(callback: () => R): R;
  }
}
