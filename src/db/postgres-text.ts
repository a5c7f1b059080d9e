/**
 * PostgreSQL's text and jsonb refuse NUL (and jsonb refuses lone surrogates), while PDF
 * metadata and text layers carry both. Values bound for those columns go through here.
 */
export function postgresText(text: string): string {
  return text.toWellFormed().replaceAll("\u0000", "");
}

/** JSON for a jsonb column: every string in `value` made acceptable to PostgreSQL. */
export function postgresJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "string" ? postgresText(item) : item));
}
