/**
 * Wraps untrusted text (a page's text layer, a whole document) in `<tag>` delimiters for a
 * prompt whose system message says the tagged part is data, never instructions. Any opening or
 * closing tag of the same name inside the text is defused, so the text cannot close its own
 * data block early and speak as the prompt.
 */
export function asPromptData(tag: "page_text" | "document", text: string): string {
  const delimiter = new RegExp(`<\\s*(/?)\\s*${tag}\\s*>`, "gi");
  return `<${tag}>\n${text.replace(delimiter, `[$1${tag}]`)}\n</${tag}>`;
}
