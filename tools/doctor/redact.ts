/**
 * The last guard before anything is printed: every secret the doctor holds (the admin token, the
 * throwaway tenant's token) is replaced wherever it appears, so no message, an echoed server
 * answer included, can carry one to a terminal or a CI log.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 8) out = out.replaceAll(secret, "[redacted]");
  }
  // Tenant tokens have a recognisable shape (shared/tenants/token-format.ts), whoever's they are.
  return out.replace(/ec_[0-9A-Za-z]{40}_[0-9A-Za-z]{6}/g, "ec_[redacted]");
}
