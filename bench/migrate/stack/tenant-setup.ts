/**
 * Far above what a million 1 KiB entries hold, so the tenant's L2 storage budget (default
 * TENANT_STORAGE_BYTES, 256 MiB) never stops the copy: the benchmark measures copying, not refusals.
 */
export const BENCH_STORAGE_BYTES = 64 * 1024 ** 3;

/**
 * Creates the tenant the copy writes to through the admin API, with a raised storage budget, before
 * the CLI runs: the CLI's --create-tenants would create it with the default budget, so it finds
 * this one instead (and still looks it up and issues its token, as on any real run).
 */
export async function createBenchTenant(workerUrl: string, adminToken: string, tenant: string): Promise<void> {
  const response = await fetch(`${workerUrl}/admin/tenants`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ id: tenant, name: `${tenant} (migration benchmark)`, limits: { storageBytes: BENCH_STORAGE_BYTES } }),
  });
  if (response.status !== 201) throw new Error(`edge-cache bench: creating tenant ${tenant}: ${response.status} ${await response.text()}`);
}
