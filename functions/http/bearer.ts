import { ApiError } from "../../shared/errors";

/** The token of an `Authorization: Bearer <token>` header, or the 401 that refuses the header. */
export function parseBearer(header: string | undefined, challenge: Record<string, string>): { token: string } | { refusal: ApiError } {
  if (!header) return { refusal: new ApiError(401, "unauthorized", "Authorization: Bearer <token> is required", challenge) };
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  if (!match?.[1]) return { refusal: new ApiError(401, "unauthorized", "Authorization header must be 'Bearer <token>'", challenge) };
  return { token: match[1] };
}

/** The token of an `Authorization: Bearer <token>` header, or a 401. */
export function bearerToken(header: string | undefined, challenge: Record<string, string>): string {
  const bearer = parseBearer(header, challenge);
  if ("refusal" in bearer) throw bearer.refusal;
  return bearer.token;
}
