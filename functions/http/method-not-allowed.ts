import { ApiError } from "../../shared/errors";

/** A handler registered last on a path: whatever method got this far is not served there. */
export function methodNotAllowed(allow: string) {
  return function methodNotAllowedHandler(): never {
    throw new ApiError(405, "method_not_allowed", `Allowed methods: ${allow}`, { Allow: allow });
  };
}
