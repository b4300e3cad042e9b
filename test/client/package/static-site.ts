import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

export interface StaticSite {
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

// Browsers run module scripts only when served with a JavaScript type.
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
};

/** `/` answers `indexHtml`; any other path, the HTML or JavaScript file under `rootDir` it names, else 404. */
export async function serveStaticSite(rootDir: string, indexHtml: string): Promise<StaticSite> {
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://site").pathname;
    if (pathname === "/") {
      response.writeHead(200, { "Content-Type": CONTENT_TYPES[".html"] }).end(indexHtml);
      return;
    }
    const path = join(rootDir, normalize(decodeURIComponent(pathname)));
    const type = CONTENT_TYPES[extname(path)];
    if (!type || !path.startsWith(rootDir + sep)) {
      response.writeHead(404).end();
      return;
    }
    readFile(path).then(
      (body) => response.writeHead(200, { "Content-Type": type }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
