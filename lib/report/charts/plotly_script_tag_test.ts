import { assert, assertEquals } from "../../../tests/assert.ts";
import { plotlyScriptTag } from "./plotly_script_tag.ts";

Deno.test("plotlyScriptTag() inlines plotly.js-dist-min from the installed package, once", async () => {
  const tag = await plotlyScriptTag();
  assert(tag.startsWith("<script>/* plotly.js-dist-min 3.3.1 (MIT)"), tag.slice(0, 80));
  assert(tag.endsWith("</script>\n"));
  assert(tag.length > 3_000_000, `whole bundle inlined (${tag.length} chars)`);
  assertEquals(tag.match(/<\/script/gi)?.length, 1);
  assert(tag.includes("newPlot"));
  assertEquals(await plotlyScriptTag(), tag);
});
