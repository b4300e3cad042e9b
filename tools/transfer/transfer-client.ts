import type { EdgeCacheClient } from "../../client/index.ts";

/** What export, import and invalidate need of the typed client; tests pass a fake. */
export type TransferClient = Pick<EdgeCacheClient, "batch" | "exportPage" | "invalidate">;
