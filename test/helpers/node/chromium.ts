import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Chromium or Chrome is usually installed, looked at in this order after CHROME_PATH. */
export const CHROMIUM_LOCATIONS: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/opt/google/chrome/chrome",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

export interface ChromiumLookup {
  env: Readonly<Record<string, string | undefined>>;
  exists: (path: string) => boolean;
}

/**
 * The browser executable: CHROME_PATH when set (and then only it, so a wrong setting is never
 * papered over by another browser), else the first usual location that exists.
 */
export function findChromium({ env, exists }: ChromiumLookup): string {
  const chosen = env.CHROME_PATH;
  if (chosen) {
    if (exists(chosen)) return chosen;
    throw new Error(
      `edge-cache browser tests: CHROME_PATH is ${chosen}, which does not exist. Point it at a Chromium or Chrome executable.`,
    );
  }
  const found = CHROMIUM_LOCATIONS.find(exists);
  if (found) return found;
  throw new Error(
    [
      "edge-cache browser tests need Chromium or Chrome, and found none. Looked at:",
      ...CHROMIUM_LOCATIONS.map((path) => `  ${path}`),
      "Install one (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium, or Google Chrome),",
      "or set CHROME_PATH to its executable.",
    ].join("\n"),
  );
}

/**
 * A system Chromium or Chrome, driven by playwright-core (which downloads no browser of its own).
 * The flags keep it from reaching for Google's services, which a closed network refuses;
 * Playwright adds --headless and a fresh temporary --user-data-dir itself.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium({ env: process.env, exists: existsSync }),
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
