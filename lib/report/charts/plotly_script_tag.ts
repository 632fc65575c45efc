/**
 * The Plotly library inlined in a `<script>` element, for offline HTML.
 *
 * @module
 */

let cached: Promise<string> | undefined;

async function load(): Promise<string> {
  // The import map resolves the bare name to the file in node_modules/.deno
  // (nodeModulesDir "auto", which Deno fills from deno.json on start) or, with
  // nodeModulesDir "none", to Deno's global npm cache: a file: URL either way.
  const url = import.meta.resolve("plotly.js-dist-min");
  if (!url.startsWith("file:")) {
    throw new Error(
      `plotly.js-dist-min resolved to ${url}, not a local file: add "plotly.js-dist-min": "npm:plotly.js-dist-min@3.3.1" to deno.json and run deno install`,
    );
  }
  let code: string;
  try {
    code = await Deno.readTextFile(new URL(url));
  } catch (e) {
    throw new Error(`Cannot read plotly.js-dist-min at ${url} (run deno install): ${e}`);
  }
  let version = "";
  try {
    version = JSON.parse(await Deno.readTextFile(new URL("package.json", url))).version ?? "";
  } catch {
    // The version only labels the comment.
  }
  // `</script` or `<!--` would end or upset the element; `<\/` and `<\!` mean
  // the same inside JavaScript strings and regular expressions.
  const safe = code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
  return `<script>/* plotly.js-dist-min ${version} (MIT), inlined for offline use */\n${safe}\n</script>\n`;
}

/**
 * A `<script>` element holding all of plotly.js-dist-min (about 4.8 MB), read
 * from the npm package Deno installed, so a report works offline. Put it
 * once in a page, before the `plotlyHtmlDiv` snippets. The text is read once
 * per process and cached; needs read permission on the package.
 *
 * @returns The element, as HTML text.
 * @throws {Error} When the package is not installed locally.
 * @example
 * ```ts
 * import { lineChart } from "./line_chart.ts";
 * import { plotlyHtmlDiv } from "./plotly_html_div.ts";
 * const chart = lineChart([{ name: "a", x: [0, 1], y: [0, 1] }]);
 * const page = `<!doctype html><html><head>${await plotlyScriptTag()}</head><body>${
 *   plotlyHtmlDiv(chart.plotly, "c1")
 * }</body></html>`;
 * ```
 */
export function plotlyScriptTag(): Promise<string> {
  cached ??= load().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}
