import { assertEquals, assertThrows } from "../../../tests/assert.ts";
import { assertWellFormedSvg } from "./test_util.ts";

const NS = 'xmlns="http://www.w3.org/2000/svg"';

Deno.test("assertWellFormedSvg() accepts balanced, escaped documents", () => {
  const names = assertWellFormedSvg(
    `<svg ${NS} width="2"><g><text x="1">a &amp; b &lt;c&gt; &#39;</text><rect/></g></svg>\n`,
  );
  assertEquals(names, ["svg", "g", "text", "rect"]);
});

Deno.test("assertWellFormedSvg() rejects unbalanced tags, raw markup and bare ampersands", () => {
  assertThrows(() => assertWellFormedSvg(`<svg ${NS}><g></svg>`), Error, "closes <g>");
  assertThrows(() => assertWellFormedSvg(`<svg ${NS}><g>`), Error, "Unclosed");
  assertThrows(() => assertWellFormedSvg(`<svg ${NS}><text>a & b</text></svg>`), Error, "Bare &");
  assertThrows(() => assertWellFormedSvg(`<svg ${NS}><text>a > b</text></svg>`), Error, "Raw <");
  assertThrows(() => assertWellFormedSvg(`<svg ${NS}><text x="a&b">c</text></svg>`), Error, "Bare &");
  assertThrows(() => assertWellFormedSvg(`<svg ${NS}><text x=1>c</text></svg>`), Error, "Malformed");
  assertThrows(() => assertWellFormedSvg(`<svg ${NS}></svg><svg ${NS}></svg>`), Error, "one root");
  assertThrows(() => assertWellFormedSvg(`<svg></svg>`), Error, "Root must be");
});
