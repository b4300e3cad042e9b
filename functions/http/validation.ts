import type * as z from "zod";
import { ApiError, type ErrorCode } from "../../shared/errors";

/** Parses with zod or answers 400 naming the first problem's path (never echoing the input). */
export function parseOr400<T extends z.ZodType>(schema: T, input: unknown, code: ErrorCode): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new ApiError(400, code, `${where}${issue?.message ?? "invalid"}`);
}
