import { describe, expect, it } from "vitest";
import { CHROMIUM_LOCATIONS, findChromium } from "./chromium.ts";

const DEBIAN = "/usr/bin/chromium";
const UBUNTU = "/usr/bin/chromium-browser";
const CHROME_DEB = "/usr/bin/google-chrome-stable";
const SNAP = "/snap/bin/chromium";
const MAC_CHROME = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
const MAC_CHROMIUM = "/Applications/Chromium.app/Contents/MacOS/Chromium";

function installed(...paths: string[]): (path: string) => boolean {
  const present = new Set(paths);
  return (path) => present.has(path);
}

describe("findChromium", () => {
  it("takes CHROME_PATH over every usual location", () => {
    expect(findChromium({ env: { CHROME_PATH: "/home/me/chrome" }, exists: installed("/home/me/chrome", DEBIAN) })).toBe("/home/me/chrome");
  });

  it("refuses a CHROME_PATH that does not exist, naming it, even when another browser is installed", () => {
    expect(() => findChromium({ env: { CHROME_PATH: "/nowhere/chrome" }, exists: installed(DEBIAN) })).toThrow(
      /CHROME_PATH is \/nowhere\/chrome/,
    );
  });

  it("ignores an empty CHROME_PATH", () => {
    expect(findChromium({ env: { CHROME_PATH: "" }, exists: installed(SNAP) })).toBe(SNAP);
  });

  it("looks at the Linux locations in order, Debian's Chromium first", () => {
    expect(findChromium({ env: {}, exists: installed(SNAP, CHROME_DEB, UBUNTU, DEBIAN) })).toBe(DEBIAN);
    expect(findChromium({ env: {}, exists: installed(SNAP, CHROME_DEB, UBUNTU) })).toBe(UBUNTU);
    expect(findChromium({ env: {}, exists: installed(SNAP, CHROME_DEB) })).toBe(CHROME_DEB);
  });

  it("finds Chrome, then Chromium, in macOS's Applications", () => {
    expect(findChromium({ env: {}, exists: installed(MAC_CHROMIUM, MAC_CHROME) })).toBe(MAC_CHROME);
    expect(findChromium({ env: {}, exists: installed(MAC_CHROMIUM) })).toBe(MAC_CHROMIUM);
  });

  it("asks the filesystem about nothing but the usual locations, in the documented order", () => {
    const asked: string[] = [];
    expect(() =>
      findChromium({
        env: {},
        exists: (path) => {
          asked.push(path);
          return false;
        },
      }),
    ).toThrow();
    expect(asked).toEqual([
      DEBIAN,
      UBUNTU,
      "/usr/bin/google-chrome",
      CHROME_DEB,
      SNAP,
      "/opt/google/chrome/chrome",
      MAC_CHROME,
      MAC_CHROMIUM,
    ]);
  });

  it("fails with every place it looked and how to install a browser", () => {
    let message = "";
    try {
      findChromium({ env: {}, exists: () => false });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const path of CHROMIUM_LOCATIONS) expect(message).toContain(path);
    expect(message).toContain("apt-get install chromium");
    expect(message).toContain("brew install --cask chromium");
    expect(message).toContain("Google Chrome");
    expect(message).toContain("CHROME_PATH");
  });
});
