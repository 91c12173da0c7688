const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'" };

function unescape(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity]);
}

/** The words a search hit's `highlight` marks (`<b>…</b>`, the rest HTML-escaped). */
export function highlightedWords(html: string): string[] {
  return [...html.matchAll(/<b>(.*?)<\/b>/gs)].map((match) => unescape(match[1])).filter((word) => word !== "");
}

/**
 * The whole name in pieces, with the words the highlight marked set apart, so it renders
 * without `dangerouslySetInnerHTML` and never shows the highlight's cut-off fragment.
 */
export function markedPieces(name: string, html: string): { text: string; marked: boolean }[] {
  const words = [...new Set(highlightedWords(html))].sort((a, b) => b.length - a.length);
  if (words.length === 0) return [{ text: name, marked: false }];
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(${escaped.join("|")})`, "giu");
  // Splitting on a capturing pattern puts the matches at the odd places.
  return name
    .split(pattern)
    .map((text, i) => ({ text, marked: i % 2 === 1 }))
    .filter((piece) => piece.text !== "");
}
