import { connect, createServer, type Socket } from "node:net";

export interface InterceptingProxy {
  port: number;
  /** Drops every connection through the proxy and refuses new ones. */
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy that holds the first reply bytes after each request until `beforeReply`
 * has run: a test can change the server between a command and the client seeing its answer
 * (delete a key SCAN just listed), which no timing trick does reliably.
 */
export async function startInterceptingProxy(
  targetPort: number,
  beforeReply: (request: string, reply: Buffer) => Promise<void> | void = () => {},
): Promise<InterceptingProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: "127.0.0.1", port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    let request = "";
    let forwarding = Promise.resolve();
    client.on("data", (chunk: Buffer) => {
      request += chunk.toString("latin1");
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      const answered = request;
      request = "";
      forwarding = forwarding.then(async () => {
        if (answered !== "") await beforeReply(answered, chunk);
        if (!client.destroyed) client.write(chunk);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
