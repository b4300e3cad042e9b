/**
 * What the study asks of a policy: the L1's own demand-fill calls. Every study policy holds
 * entries of one byte each, so `bytes` is ignored by the count-based ones and capacity is an
 * entry count everywhere.
 */
export interface L1Policy<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, bytes: number): unknown;
}

export interface PolicyFactory {
  name: string;
  create(capacity: number): L1Policy<number>;
}
