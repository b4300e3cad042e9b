// Vite's `?raw` suffix imports a file's text; schedules.test.ts reads wrangler.toml this way.
declare module "*?raw" {
  const text: string;
  export default text;
}
