#!/usr/bin/env node
// The registry this project installs from serves only some platforms' builds of packages such
// as biome and workerd, so `npm install` here leaves the other platforms' optional binaries out
// of package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds the
// missing entries, marked optional and tagged with their os/cpu, so npm skips them on every
// platform but their own. It never changes an entry that is there. Plain Node, no dependencies:
// it runs before `npm ci`.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const added = [];

for (const [location, entry] of Object.entries(packages)) {
  const optional = entry.optionalDependencies ?? {};
  const siblings = Object.keys(optional)
    .map((name) => resolve(location, name, optional[name]))
    .filter(Boolean);
  for (const [name, spec] of Object.entries(optional)) {
    if (resolve(location, name, spec)) continue;
    const platform = platformOf(name);
    if (!platform) continue;
    // Where npm put this package's other platform builds is where this one belongs too.
    const directory =
      siblings.length > 0
        ? siblings[0].slice(0, siblings[0].lastIndexOf("node_modules/") + "node_modules/".length)
        : `${location}/node_modules/`;
    const target = `${directory}${name}`;
    packages[target] = { version: spec, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added.push(target);
  }
}

if (added.length > 0) {
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lockfile: added ${added.length} other-platform optional entries`);
}

function resolve(from, name, spec) {
  let base = from;
  for (;;) {
    const location = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    const found = packages[location];
    if (found) return /^\d/.test(spec) && found.version !== spec ? undefined : location;
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut >= 0 ? base.slice(0, cut) : "";
  }
}

function platformOf(name) {
  const os = /darwin/.test(name)
    ? "darwin"
    : /win32|windows/.test(name)
      ? "win32"
      : /android/.test(name)
        ? "android"
        : /linux/.test(name)
          ? "linux"
          : /freebsd/.test(name)
            ? "freebsd"
            : undefined;
  const cpu = /arm64/.test(name) ? "arm64" : /x64|-64\b/.test(name) ? "x64" : /ia32/.test(name) ? "ia32" : undefined;
  if (!os || !cpu) return undefined;
  return { os: [os], cpu: [cpu], ...(/musl/.test(name) ? { libc: ["musl"] } : {}) };
}
