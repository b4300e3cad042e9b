import { createClient, type EdgeCacheClient } from "../../client/index.ts";
import { AdminApiError, type AdminClient } from "../admin/admin-client.ts";

/** The limits a tenant's writes must fit, as GET /admin/tenants/:id/limits answers them. */
export interface TargetLimits {
  maxValueBytes: number;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  maxBatchOperations: number;
  maxBatchBodyBytes: number;
  storageBytes: number;
}

/** A tenant as the copy sees it: whether it exists, its limits, and (in a real run) a client. */
export interface TenantTarget {
  tenant: string;
  /** The tenant existed before this run (a dry run reports the others as "to create"). */
  existed: boolean;
  limits: TargetLimits;
  /** Absent in a dry run. */
  client?: EdgeCacheClient;
}

/** The tenant does not exist and the run may not create it. */
export class UnknownTenantError extends Error {
  override readonly name = "UnknownTenantError";

  constructor(readonly tenant: string) {
    super(`tenant ${tenant} does not exist: create it (npm run admin -- tenant create ${tenant}) or pass --create-tenants`);
  }
}

export interface TenantAccessOptions {
  admin: AdminClient;
  /** The edge-cache the clients talk to. */
  url: string;
  /** Look tenants up only: create nothing, issue no token. */
  dryRun: boolean;
  createTenants: boolean;
  /** Scopes of the tokens issued. @default ["read", "write"] */
  scopes?: string[];
}

// Long enough for a large copy, short enough that a token left behind by a killed run dies on its own.
const TOKEN_LIFETIME_SECONDS = 7 * 86_400;

/**
 * Finds, creates and issues tokens for the tenants a copy writes to, once per tenant (so its cost
 * grows with tenants, not keys), and revokes every token it issued when the run ends.
 */
export class TenantAccess {
  readonly #options: TenantAccessOptions;
  readonly #targets = new Map<string, Promise<TenantTarget>>();
  readonly #issued: { tenant: string; id: string }[] = [];
  readonly #missing: string[] = [];
  #created = 0;

  constructor(options: TenantAccessOptions) {
    this.#options = options;
  }

  /** Tenants this run created. */
  get created(): number {
    return this.#created;
  }

  /** Tenants a dry run found missing (a run creates them with --create-tenants), or a run created. */
  tenantsToCreate(): string[] {
    return [...this.#missing];
  }

  target(tenant: string): Promise<TenantTarget> {
    let target = this.#targets.get(tenant);
    if (!target) {
      target = this.#open(tenant);
      this.#targets.set(tenant, target);
      // A failed lookup (the service was unreachable, say) is tried again by the next key.
      target.catch(() => this.#targets.delete(tenant));
    }
    return target;
  }

  /** The tenant's target if it exists; never creates it (a delete needs nothing created). */
  async existing(tenant: string): Promise<TenantTarget | undefined> {
    if (!this.#targets.has(tenant) && !(await tenantLimits(this.#options.admin, tenant))) return undefined;
    return this.target(tenant);
  }

  async #open(tenant: string): Promise<TenantTarget> {
    const { admin, dryRun, createTenants } = this.#options;
    let existed = true;
    let limits = await tenantLimits(admin, tenant);
    if (!limits) {
      existed = false;
      this.#missing.push(tenant);
      if (dryRun) return { tenant, existed, limits: (await admin.deploymentLimits()) as unknown as TargetLimits };
      if (!createTenants) throw new UnknownTenantError(tenant);
      await createTenant(admin, tenant);
      this.#created++;
      limits = (await tenantLimits(admin, tenant)) as TargetLimits;
    }
    if (dryRun) return { tenant, existed, limits };
    const issued = await admin.issueToken(tenant, {
      name: "npm run migrate",
      scopes: this.#options.scopes ?? ["read", "write"],
      expiresInSeconds: TOKEN_LIFETIME_SECONDS,
    });
    this.#issued.push({ tenant, id: issued.id });
    return { tenant, existed, limits, client: createClient({ baseUrl: this.#options.url, token: issued.token }) };
  }

  /** Revokes every token this run issued; a failure is reported, never thrown (the run's own result matters more). */
  async close(): Promise<string[]> {
    const problems: string[] = [];
    for (const { tenant, id } of this.#issued.splice(0)) {
      await this.#options.admin.revokeToken(tenant, id).catch((error: unknown) => {
        problems.push(
          `could not revoke token ${id} of ${tenant} (it expires in ${TOKEN_LIFETIME_SECONDS / 86_400} days): ${String(error)}`,
        );
      });
    }
    return problems;
  }
}

async function tenantLimits(admin: AdminClient, tenant: string): Promise<TargetLimits | undefined> {
  try {
    return (await admin.tenantLimits(tenant)) as unknown as TargetLimits;
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function createTenant(admin: AdminClient, tenant: string): Promise<void> {
  try {
    await admin.createTenant({ id: tenant, name: `${tenant} (created by npm run migrate)` });
  } catch (error) {
    // Created meanwhile by another run or an operator: what matters is that it exists.
    if (!(error instanceof AdminApiError && error.status === 409)) throw error;
  }
}
