import { assert, assertEquals } from "../../tests/assert.ts";
import { ciCell, encodeBase64, fixed, htmlTable, imageHtml, keyValueTable, pct, valueHtml } from "./report_html.ts";

Deno.test("htmlTable() escapes text cells, keeps html cells, and right-aligns numeric columns", () => {
  const html = htmlTable(["name", "n"], [["a<b>", 3], [{ html: "<i>x</i>", className: "best" }, null]], {
    numeric: [1],
    caption: "C & D",
  });
  assert(html.includes("<caption>C &amp; D</caption>"), html);
  assert(html.includes(`<th class="num">n</th>`), html);
  assert(html.includes('<td>a&lt;b&gt;</td><td class="num">3</td>'), html);
  assert(html.includes(`<td class="best"><i>x</i></td><td class="num"></td>`), html);
});

Deno.test("valueHtml() shows scalars, lists, tables of objects and nested objects; cuts long and deep values", () => {
  assertEquals(valueHtml(0.123456), "0.1235");
  assertEquals(valueHtml(true), "yes");
  assertEquals(valueHtml(["a", "<b>"]), "a, &lt;b&gt;");
  assert(valueHtml(null).includes("–"));
  const rows = valueHtml([{ run: "a", w: 1 }, { run: "b", extra: 2 }]);
  assert(rows.includes("<th>run</th><th>w</th><th>extra</th>"), rows);
  const nested = valueHtml({ hybrid: { kernel: "rbf" } });
  assert(nested.includes(`<th scope="row">hybrid</th>`) && nested.includes(`<th scope="row">kernel</th>`), nested);
  assert(valueHtml(Array.from({ length: 50 }, (_, i) => i)).includes("… 10 more"));
  assert(valueHtml({ a: { b: { c: { d: { e: 1 } } } } }).includes(`<code>{&quot;e&quot;:1}</code>`));
});

Deno.test("pct(), fixed() and ciCell() format metrics and say n/a for missing ones", () => {
  assertEquals(pct(0.8125), "81.3");
  assertEquals(pct(NaN), "n/a");
  assertEquals(fixed(null), "n/a");
  assertEquals(fixed(1.23456, 3), "1.235");
  assertEquals(ciCell({ estimate: 0.5, low: 0.25, high: 0.75 }, true), {
    html: `<span class="est">50.0</span> <span class="ci">[25.0, 75.0]</span>`,
    className: "best",
  });
  assert((ciCell({ estimate: 0.5, low: NaN, high: NaN }) as { html: string }).html.includes("no interval"));
  assert((ciCell(null) as { html: string }).html.includes("n/a"));
  assert(keyValueTable([["k<", "v>"]]).includes(`<th scope="row">k&lt;</th><td>v&gt;</td>`));
});

Deno.test("encodeBase64() matches btoa, also for inputs longer than one chunk; imageHtml() embeds it", () => {
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
  assertEquals(encodeBase64(bytes), btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")));
  assertEquals(encodeBase64(new Uint8Array([1, 2, 3, 4])), "AQIDBA==");
  const html = imageHtml(new Uint8Array([1, 2, 3]), { caption: 'a "b"', width: 3, height: 1 });
  assertEquals(
    html,
    `<figure class="img"><img alt="a &quot;b&quot;" width="3" height="1" src="data:image/png;base64,AQID">` +
      `<figcaption>a &quot;b&quot;</figcaption></figure>`,
  );
});
