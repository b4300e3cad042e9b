import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(resolve(root, path), "utf8");

describe("CI entry points", () => {
  it("GitHub Actions runs .ci/run, the one entry point, with npm's cache and the Node download kept between runs", () => {
    const workflow = read(".github/workflows/ci.yml");
    expect(workflow).toMatch(/^\s+- run: bash \.ci\/run$/m);
    expect(workflow).toMatch(
      /uses: actions\/cache@v\d+[\s\S]*path: \|\n\s+~\/\.npm\n\s+\.tools\n[\s\S]*hashFiles\('package-lock\.json', '\.ci\/run'\)/,
    );
  });

  it(".ci/run runs exactly the README's test command", () => {
    const command = /^npm (?:test|run \S+)\s+#/m.exec(read("README.md").split("## Quick start")[1] ?? "")?.[0];
    expect(command).toBe("npm test     #");
    expect(read(".ci/run").trimEnd().split("\n").at(-1)).toBe("npm test");
  });
});
