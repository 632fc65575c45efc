import { assertEquals } from "../../../tests/assert.ts";
import { escapeXml } from "./escape_xml.ts";

Deno.test("escapeXml() escapes markup characters and quotes", () => {
  assertEquals(escapeXml(`<&>"'`), "&lt;&amp;&gt;&quot;&#39;");
  assertEquals(escapeXml("&amp;"), "&amp;amp;");
  assertEquals(escapeXml("Spinal stenosis (L4–L5)"), "Spinal stenosis (L4–L5)");
});

Deno.test("escapeXml() drops control characters XML forbids but keeps whitespace", () => {
  assertEquals(escapeXml("a\u0000b\u0007c\td\ne\rf\u001f"), "abc\td\ne\rf");
});
