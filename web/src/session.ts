/**
 * The API key lives in sessionStorage only (this tab, gone when it closes), under the same name
 * GraphiQL uses, so signing in once covers both.
 */
const STORAGE_KEY = "quire.apiKey";

export const session = {
  key(): string | null {
    return sessionStorage.getItem(STORAGE_KEY);
  },
  signIn(key: string): void {
    sessionStorage.setItem(STORAGE_KEY, key);
  },
  signOut(): void {
    sessionStorage.removeItem(STORAGE_KEY);
  },
  authorization(): string {
    return `Bearer ${sessionStorage.getItem(STORAGE_KEY) ?? ""}`;
  },
};

/** Upload limits the server wrote into the page's <meta> tags. */
export function uploadLimits(): { maxFileBytes: number; maxFiles: number } {
  const read = (name: string, fallback: number): number => {
    const value = Number(document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return { maxFileBytes: read("quire-max-file-mb", 50) * 1024 * 1024, maxFiles: read("quire-max-files", 50) };
}
