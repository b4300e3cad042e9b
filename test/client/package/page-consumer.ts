import type { Browser } from "playwright-core";
import type { ClientOutcomes, ExerciseConfig } from "./consumer-outcomes";

interface ExercisingPage {
  exerciseClient?: (config: ExerciseConfig) => Promise<ClientOutcomes>;
}

/**
 * A page with no bundler: an import map sends the package's name to its installed ESM file, and
 * a module script puts exercise-client.mjs's function where the test can call it.
 */
export function clientPageHtml(packageName: string, moduleUrl: string): string {
  const importMap = JSON.stringify({ imports: { [packageName]: moduleUrl } });
  return `<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <title>edge-cache client</title>
    <script type="importmap">${importMap}</script>
    <script type="module">
      import { exerciseClient } from "/exercise-client.mjs";
      globalThis.exerciseClient = exerciseClient;
    </script>
  </head>
  <body></body>
</html>`;
}

/** Opens the page in a fresh context (its own HTTP cache) and runs exerciseClient there. */
export async function exerciseInPage(browser: Browser, pageUrl: string, config: ExerciseConfig): Promise<ClientOutcomes> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("requestfailed", (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
    await page.goto(pageUrl);
    const loaded = await page.evaluate(() => typeof (globalThis as ExercisingPage).exerciseClient === "function");
    if (!loaded) throw new Error(`the page did not load the client: ${problems.join("; ") || "no error reported"}`);
    return await page.evaluate((given) => (globalThis as ExercisingPage).exerciseClient!(given), config);
  } finally {
    await context.close();
  }
}
