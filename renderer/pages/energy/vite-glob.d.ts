// Vite's import.meta.glob, used to find whether an optional page file exists at build time.
interface ImportMeta {
  glob(pattern: string): Record<string, () => Promise<unknown>>;
}
