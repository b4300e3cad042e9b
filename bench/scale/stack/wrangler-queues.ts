import { readFileSync } from "node:fs";

export interface QueueProducer {
  binding: string;
  queue: string;
}

export interface QueueConsumer {
  queue: string;
  maxBatchSize?: number;
  maxRetries?: number;
  deadLetterQueue?: string;
}

export interface WranglerQueues {
  producers: QueueProducer[];
  consumers: QueueConsumer[];
}

/**
 * The `[[queues.producers]]` and `[[queues.consumers]]` tables of wrangler.toml, so the harness
 * gives Miniflare the bindings a deploy would have. Miniflare driven directly reads no
 * wrangler.toml. Only `name = "string"` and `name = number` lines inside those tables are read.
 */
export function readWranglerQueues(path: string): WranglerQueues {
  const tables: { kind: "producers" | "consumers"; fields: Map<string, string | number> }[] = [];
  let current: (typeof tables)[number] | undefined;
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line.startsWith("[")) {
      const kind = line === "[[queues.producers]]" ? "producers" : line === "[[queues.consumers]]" ? "consumers" : undefined;
      current = kind ? { kind, fields: new Map() } : undefined;
      if (current) tables.push(current);
      continue;
    }
    const match = current ? /^([a-z_]+)\s*=\s*(?:"([^"]*)"|(\d+(?:\.\d+)?))\s*$/.exec(line) : null;
    if (current && match) current.fields.set(match[1] as string, match[2] ?? Number(match[3]));
  }
  const text = (fields: Map<string, string | number>, name: string) => {
    const value = fields.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const count = (fields: Map<string, string | number>, name: string) => {
    const value = fields.get(name);
    return typeof value === "number" ? value : undefined;
  };
  const producers = tables.flatMap(({ kind, fields }): QueueProducer[] => {
    const binding = text(fields, "binding");
    const queue = text(fields, "queue");
    return kind === "producers" && binding && queue ? [{ binding, queue }] : [];
  });
  const consumers = tables.flatMap(({ kind, fields }): QueueConsumer[] => {
    const queue = text(fields, "queue");
    if (kind !== "consumers" || !queue) return [];
    const maxBatchSize = count(fields, "max_batch_size");
    const maxRetries = count(fields, "max_retries");
    const deadLetterQueue = text(fields, "dead_letter_queue");
    return [
      {
        queue,
        ...(maxBatchSize === undefined ? {} : { maxBatchSize }),
        ...(maxRetries === undefined ? {} : { maxRetries }),
        ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
      },
    ];
  });
  return { producers, consumers };
}
