/**
 * Compares a presented admin token with ADMIN_TOKEN in constant time. Both sides are hashed
 * first so the comparison runs on equal-length digests and leaks neither content nor length.
 */
export async function isAdminToken(presented: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}
