import type { EdgeCacheClient } from "../../client/index.ts";

/** What export and import need of the typed client; tests pass a fake. */
export type TransferClient = Pick<EdgeCacheClient, "batch" | "exportPage">;
