import { ApiError } from "../../shared/errors";

/** The token of an `Authorization: Bearer <token>` header, or a 401. */
export function bearerToken(header: string | undefined, challenge: Record<string, string>): string {
  if (!header) throw new ApiError(401, "unauthorized", "Authorization: Bearer <token> is required", challenge);
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  if (!match?.[1]) throw new ApiError(401, "unauthorized", "Authorization header must be 'Bearer <token>'", challenge);
  return match[1];
}
