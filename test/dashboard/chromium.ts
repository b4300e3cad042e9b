import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Debian's Chromium, driven by playwright-core (which downloads no browser of its own). The
 * flags keep it from reaching for Google's services, which a closed network refuses; Playwright
 * adds --headless and a fresh temporary --user-data-dir itself.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `edge-cache dashboard browser test: no Chromium at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium); .ci/run installs it in CI.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
