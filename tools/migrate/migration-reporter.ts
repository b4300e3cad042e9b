import { MigrationReport, type MigrationReportJson } from "./migration-report.ts";
import type { RecordPlan } from "./record-plan.ts";
import type { SourceRecord } from "./source-record.ts";

const MAX_REFUSALS_LISTED = 20;

type Refusal = { tenant: string; key: string; reason: string };

/** Feeds each record's plan into the report, and adds what only a real run learns (sets refused). */
export class MigrationReporter {
  readonly #report = new MigrationReport();
  readonly #refusals: Refusal[] = [];
  #refused = 0;

  add(plan: RecordPlan, record: SourceRecord): void {
    switch (plan.kind) {
      case "set":
        this.#report.addEntry({
          tenant: plan.target.tenant,
          sourceType: record.type,
          contentType: plan.contentType,
          bytes: plan.valueBytes,
          ttlSeconds: plan.ttlSeconds,
          defaulted: plan.defaulted,
          clamped: plan.clamped,
          ...(plan.decodedBy !== undefined && { decodedBy: plan.decodedBy }),
        });
        if (plan.undecodable) this.#report.addUndecodable(record.key, "kept as it was: a decoder recognised it but could not decode it");
        return;
      case "unmapped":
        this.#report.addUnmapped(record.key, plan.reason);
        return;
      case "expired":
        this.#report.addExpired();
        return;
      case "skipped":
        this.#report.addSkipped(record.key, record.type, record.skipReason);
        return;
      case "oversized":
        this.#report.addOversized({ key: record.key, tenant: plan.tenant, bytes: plan.valueBytes, maxBytes: plan.maxValueBytes });
        return;
    }
  }

  /** A set the service refused on its own (resending could not help). */
  refused(refusal: Refusal): void {
    this.#refused++;
    if (this.#refusals.length < MAX_REFUSALS_LISTED) this.#refusals.push(refusal);
  }

  toJSON(tenantsToCreate: readonly string[] = []): MigrationReportJson & { refused: { count: number; examples: Refusal[] } } {
    this.#report.setTenantsToCreate(tenantsToCreate);
    return { ...this.#report.toJSON(), refused: { count: this.#refused, examples: [...this.#refusals] } };
  }

  render(dryRun: boolean, tenantsToCreate: readonly string[] = []): string {
    this.#report.setTenantsToCreate(tenantsToCreate);
    const lines = [dryRun ? "Dry run: nothing was written. A run would do this:" : "Copied:", this.#report.render()];
    if (this.#refused > 0) {
      lines.push(`${this.#refused} sets refused by edge-cache:`);
      for (const refusal of this.#refusals) lines.push(`  ${refusal.tenant} ${JSON.stringify(refusal.key)}: ${refusal.reason}`);
    }
    return lines.join("\n");
  }
}
