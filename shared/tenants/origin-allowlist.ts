export interface OriginPolicy {
  /** Hosts from the tenant record: `api.example.com`, `api.example.com:8443` or `*.example.com`. */
  allowedHosts: readonly string[];
  /** Allow http:, IP literals and loopback names: for local development and tests only. @default false */
  allowPrivate?: boolean;
}

const PRIVATE_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.home\.arpa)$/i;

/**
 * The SSRF gate for every URL a tenant supplies (warm origins, read-through). Only https, no
 * credentials, no IP literals or loopback names, and a host on the tenant's allowlist.
 */
export function isOriginAllowed(url: URL, policy: OriginPolicy): boolean {
  if (url.username || url.password) return false;
  if (url.protocol !== "https:" && !(policy.allowPrivate && url.protocol === "http:")) return false;
  const hostname = url.hostname.toLowerCase();
  if (!policy.allowPrivate && (isIpLiteral(hostname) || PRIVATE_NAMES.test(hostname))) return false;
  const port = url.port;
  return policy.allowedHosts.some((entry) => hostMatches(entry.toLowerCase(), hostname, port));
}

function hostMatches(entry: string, hostname: string, port: string): boolean {
  const [pattern = "", entryPort = ""] = entry.split(":");
  if (entryPort !== port) return false;
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(1);
    return hostname.endsWith(suffix) && hostname.length > suffix.length;
  }
  return hostname === pattern;
}

function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d+(\.\d+){0,3}$/.test(hostname) || /^0x[0-9a-f]+$/i.test(hostname);
}
