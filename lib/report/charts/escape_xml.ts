/**
 * Text escaping for SVG and HTML.
 *
 * @module
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for XML/HTML content and attribute values: `& < > " '`
 * become entities, and control characters that XML 1.0 forbids (all below
 * U+0020 but tab, newline, carriage return) are dropped, so librsvg never
 * rejects the document.
 *
 * @param text Any text.
 * @returns Text safe inside elements and quoted attributes.
 * @example
 * ```ts
 * escapeXml('L4 <"herniated"> & more'); // "L4 &lt;&quot;herniated&quot;&gt; &amp; more"
 * ```
 */
export function escapeXml(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
