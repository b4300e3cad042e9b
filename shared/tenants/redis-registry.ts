import type { TenantId } from "../cache/keys";
import { corsOriginRedisKey, TENANTS_REDIS_KEY, TOKENS_REDIS_KEY } from "../redis/key-layout";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls, type ScriptCall } from "../redis/script-runner";
import { tenantIndexChanges, tenantMemberships } from "./origin-index";
import { reindexOriginPage } from "./redis-origin-reindex";
import {
  type CreateTenantOutcome,
  type DeletedTenant,
  type OriginReindexPage,
  TenantChangedError,
  type TenantPurge,
  type TenantRegistry,
} from "./registry";
import {
  createTenantCall,
  deleteTenantCall,
  expectOk,
  listTokensCall,
  parseTokenList,
  putTenantCall,
  putTokenCall,
} from "./registry-calls";
import { originAllowedScript, resolveTokenScript } from "./registry-scripts";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

export interface RedisTenantRegistryOptions {
  /** How often an update is retried when another change to the tenant came between. @default 5 */
  maxAttempts?: number;
}

export class RedisTenantRegistry implements TenantRegistry {
  readonly #runner: RedisRunner;
  readonly #maxAttempts: number;

  constructor(runner: RedisRunner, options: RedisTenantRegistryOptions = {}) {
    this.#runner = runner;
    this.#maxAttempts = options.maxAttempts ?? 5;
  }

  async createTenant(record: TenantRecord): Promise<CreateTenantOutcome> {
    const answer = Number(await this.#call(createTenantCall(record)));
    return answer === 1 ? "created" : answer === 2 ? "purging" : "exists";
  }

  async getTenant(id: TenantId): Promise<TenantRecord | undefined> {
    const json = await this.#readTenant(id);
    return json === undefined ? undefined : (JSON.parse(json) as TenantRecord);
  }

  async listTenants(): Promise<TenantRecord[]> {
    const reply = await this.#one({ op: "hvals", key: TENANTS_REDIS_KEY });
    return Array.isArray(reply) ? reply.map((json) => JSON.parse(String(json)) as TenantRecord) : [];
  }

  updateTenant(id: TenantId, change: (current: TenantRecord) => TenantRecord): Promise<TenantRecord | undefined> {
    return this.#writeTenant(id, change, { rebuild: false });
  }

  async putToken(digest: string, record: TokenRecord): Promise<boolean> {
    return Number(await this.#call(putTokenCall(digest, record))) === 1;
  }

  /** Read, then delete only if unchanged (deleteTenantScript), as #writeTenant writes. */
  async deleteTenant(id: TenantId, purge: TenantPurge): Promise<DeletedTenant | undefined> {
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const readJson = await this.#readTenant(id);
      if (readJson === undefined) return undefined;
      const record = JSON.parse(readJson) as TenantRecord;
      const tokens = await this.listTokens(id);
      const memberships = tenantMemberships(record, tokens);
      const deleted = await this.#call(deleteTenantCall({ tenant: id, readJson, tokenCount: tokens.length, memberships, purge }));
      if (Number(deleted) === 1) {
        const origins = [...new Set(memberships.map(({ origin }) => origin))];
        return { record, digests: tokens.map(({ digest }) => digest), origins };
      }
    }
    throw new TenantChangedError(id);
  }

  async resolveToken(digest: string) {
    const value = await this.#call({ script: resolveTokenScript, keys: [TOKENS_REDIS_KEY, TENANTS_REDIS_KEY], args: [digest] });
    if (!Array.isArray(value)) return undefined;
    const [token, tenant] = value;
    return {
      token: JSON.parse(String(token)) as TokenRecord,
      tenant: typeof tenant === "string" ? (JSON.parse(tenant) as TenantRecord) : undefined,
    };
  }

  async listTokens(tenant: TenantId) {
    return parseTokenList(await this.#call(listTokensCall(tenant)));
  }

  async allowsOrigin(origin: string): Promise<boolean> {
    return Number(await this.#call({ script: originAllowedScript, keys: [corsOriginRedisKey(origin)], args: [] })) > 0;
  }

  reindexOrigins(cursor: string): Promise<OriginReindexPage> {
    return reindexOriginPage(this.#runner, cursor, (tenant) => this.#writeTenant(tenant, (record) => record, { rebuild: true }));
  }

  /**
   * Read, change, write only if unchanged: the write and its index changes are one script that
   * checks the record (and the token count, when tokens are involved) is still what was read.
   * A status change, or a rebuild, writes the tenant's tokens' memberships too: O(its tokens).
   */
  async #writeTenant(id: TenantId, change: (current: TenantRecord) => TenantRecord, options: { rebuild: boolean }) {
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const readJson = await this.#readTenant(id);
      if (readJson === undefined) return undefined;
      const current = JSON.parse(readJson) as TenantRecord;
      const next = change(current);
      const tokens = options.rebuild || next.status !== current.status ? await this.listTokens(id) : undefined;
      const written = await this.#call(
        putTenantCall({
          tenant: id,
          readJson,
          ...(options.rebuild ? {} : { nextJson: JSON.stringify(next) }),
          ...(tokens ? { tokenCount: tokens.length } : {}),
          changes: tenantIndexChanges(current, next, tokens),
        }),
      );
      if (Number(written) === 1) return next;
    }
    throw new TenantChangedError(id);
  }

  async #readTenant(id: TenantId): Promise<string | undefined> {
    const reply = await this.#one({ op: "hget", key: TENANTS_REDIS_KEY, field: id });
    return typeof reply === "string" ? reply : undefined;
  }

  async #call(call: ScriptCall): Promise<unknown> {
    const [reply] = await runCalls(this.#runner, [call]);
    return expectOk(reply);
  }

  async #one(command: Parameters<RedisRunner["run"]>[0][number]): Promise<unknown> {
    const [reply] = await this.#runner.run([command]);
    return expectOk(reply);
  }
}
