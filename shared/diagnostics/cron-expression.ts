/**
 * A cron trigger's expression as the tick record keeps it. The platform hands the scheduled
 * handler the expression of the trigger that fired, but locally `/__scheduled?cron=` passes any
 * text: only five plain cron fields are recorded, with their spacing made uniform so the record
 * and wrangler.toml compare equal.
 */

const MAX_CRON_LENGTH = 100;
const CRON_FIELD = "[0-9A-Za-z*,/#?-]+";
const CRON_PATTERN = new RegExp(`^${CRON_FIELD}(?: ${CRON_FIELD}){4}$`);

/** The expression with single spaces between its fields; undefined unless it is five cron fields. */
export function normalizeCron(expression: string): string | undefined {
  if (expression.length > MAX_CRON_LENGTH) return undefined;
  const normalized = expression.trim().split(/\s+/).join(" ");
  return CRON_PATTERN.test(normalized) ? normalized : undefined;
}
