/** What exercise-client.mjs is given, in Node and in the page alike. */
export interface ExerciseConfig {
  baseUrl: string;
  token: string;
  storedKey: string;
  missingKey: string;
}

/** A rejection as the consumer saw it: the package's EdgeCacheError, or fetch's own error. */
export interface CaughtError {
  isEdgeCacheError: boolean;
  name: string;
  code?: string;
  status?: number;
}

export type Outcome<T> = { value: T; error?: undefined } | { value?: undefined; error: CaughtError };

/** exercise-client.mjs's answer, as JSON. */
export interface ClientOutcomes {
  hit: Outcome<{ text: string; etag: string; notModified: boolean; contentType: string } | undefined>;
  /** `typeof` what get() resolved to for a key that was never stored. */
  miss: Outcome<string>;
  conditional: Outcome<{ notModified: boolean; etag: string; hasBytes: boolean } | undefined>;
  forbiddenWrite: Outcome<unknown>;
}
