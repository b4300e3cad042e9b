import { ApiError } from "../../shared/errors";

/** A write would take the tenant's entries in Redis past its storage budget: nothing was stored. */
export function storageFull(budgetBytes: number): ApiError {
  return new ApiError(
    413,
    "storage_full",
    `This tenant's entries would exceed its storage budget of ${budgetBytes} bytes; delete entries or let some expire`,
  );
}
