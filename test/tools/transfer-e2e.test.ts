import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type EdgeCacheClient } from "../../client/index.ts";
import { runCommand } from "../../tools/transfer/run-command.ts";
import { startWorker } from "./migrate/migrate-stack.ts";

// export → file → import between two tenants, through the real Worker (bundled as wrangler would,
// served by Miniflare on a loopback port) and an L2 of its own behind the gateway. About 2 s.
const ADMIN_TOKEN = `admin-${crypto.randomUUID()}`;

let worker: { url: string; dispose(): Promise<void> };
let url: string;

beforeAll(async () => {
  worker = await startWorker(ADMIN_TOKEN);
  url = worker.url;
});

afterAll(async () => {
  await worker?.dispose();
});

async function admin(path: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`test setup: ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, string>;
}

async function tenant(): Promise<{ token: string; client: EdgeCacheClient }> {
  const id = `xfer-${crypto.randomUUID().slice(0, 12)}`;
  await admin("/admin/tenants", { id });
  const { token } = await admin(`/admin/tenants/${id}/tokens`, { scopes: ["read", "write", "manage"] });
  return { token: token as string, client: createClient({ baseUrl: url, token: token as string }) };
}

function stderr() {
  const written: string[] = [];
  return { isTTY: false, write: (text: string) => written.push(text), text: () => written.join("") };
}

describe("npm run transfer: end to end", () => {
  it("exports one tenant's live entries and imports them into another", async () => {
    const source = await tenant();
    const target = await tenant();
    const keys = Array.from({ length: 30 }, (_, i) => `page/${i}`);
    await source.client.batch({
      set: keys.map((key) => ({ key, value: `<p>${key}</p>`, contentType: "text/html", ttl: 600, tags: ["pages"] })),
    });
    await source.client.set("bin", new Uint8Array([0, 0xff, 0x10]), { ttl: 120, swr: 60 });
    await source.client.batch({ set: [{ key: "..", value: "dots", ttl: 60 }] });
    await source.client.set("gone", "cleared by tag", { tags: ["old"] });
    await source.client.invalidate(["old"]);

    const file = join(mkdtempSync(join(tmpdir(), "edge-cache-e2e-")), "export.ndjson");
    const common = { url, token: source.token };
    const exported = stderr();
    const exportCode = await runCommand({ name: "export", ...common, out: file, count: 7 }, { client: source.client, stderr: exported });
    expect(exportCode, exported.text()).toBe(0);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(new Set(lines.map((line) => JSON.parse(line).key))).toEqual(new Set([...keys, "bin", ".."]));

    const command = { name: "import" as const, url, token: target.token, input: file, dryRun: false, batchSize: 8, resumeFrom: undefined };
    const imported = stderr();
    expect(await runCommand({ ...command, stateFile: `${file}.state` }, { client: target.client, stderr: imported }), imported.text()).toBe(
      0,
    );
    expect(imported.text()).toContain("imported 32 entries in 4 batches");

    const bin = await target.client.get("bin");
    expect(bin?.value).toEqual(new Uint8Array([0, 0xff, 0x10]));
    expect(bin?.contentType).toBe("application/octet-stream");
    expect(bin?.maxAge).toBeGreaterThan(100);
    const page = await target.client.get("page/7");
    expect(page).toMatchObject({ contentType: "text/html" });
    expect(page?.text()).toBe("<p>page/7</p>");
    expect(await target.client.get("gone")).toBeUndefined();
    const [dots] = (await target.client.batch({ get: [".."] })).get;
    expect(dots?.status === "hit" && dots.text()).toBe("dots");
    // Tags came along: invalidating one in the target hides what it tagged there, not in the source.
    await target.client.invalidate(["pages"]);
    expect(await target.client.get("page/7")).toBeUndefined();
    expect((await source.client.get("page/7"))?.text()).toBe("<p>page/7</p>");
  });
});
