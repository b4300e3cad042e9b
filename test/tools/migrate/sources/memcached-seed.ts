import { connect } from "node:net";

/**
 * Stores a value under any key bytes with the meta protocol's base64 keys, as a client of the
 * binary or meta protocol can: the text protocol's `set` cannot name such a key.
 */
export function metaSet(port: number, key: Buffer, value: Buffer, options: { flags?: number; ttlSeconds?: number } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("latin1");
      if (!reply.endsWith("\r\n")) return;
      socket.destroy();
      if (reply.startsWith("HD")) resolve();
      else reject(new Error(`ms answered ${reply.trim()}`));
    });
    const head = `ms ${key.toString("base64")} ${value.length} b F${options.flags ?? 0} T${options.ttlSeconds ?? 0}\r\n`;
    socket.write(Buffer.concat([Buffer.from(head), value, Buffer.from("\r\n")]));
  });
}
