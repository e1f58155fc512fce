import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { escapeMarkdown, escapeTerminal, markdownCode, markdownFence } from "./text-escape.js";

// html: true renders raw HTML as a permissive Markdown renderer (a wiki, a canvas) would: the worst case.
const render = (md: string) => new MarkdownIt({ html: true }).render(md);

describe("escapeMarkdown", () => {
  it("keeps HTML from the trail as text in a heading and in prose", () => {
    const name = '<script>alert(1)</script><img src=x onerror="alert(2)">';
    const html = render(`### ${escapeMarkdown(name)} (account 1)\n\nrole ${escapeMarkdown(name)} did it`);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("keeps Markdown markup literal and cannot start a new block", () => {
    const html = render(`- ${escapeMarkdown("**bold** _it_ [link](http://x) ![i](y) `c` a|b\n# heading")}`);
    expect(html).not.toMatch(/<strong>|<em>|<a |<img|<code>|<h1>/);
    expect(html).toContain("**bold** _it_ [link](http://x) ![i](y) `c` a|b # heading");
  });

  it("leaves plain names readable", () => {
    expect(escapeMarkdown("reports-role.v2@eu-west-1")).toBe("reports-role.v2@eu-west-1");
  });
});

describe("markdownCode and markdownFence", () => {
  it("a code span shows markup literally and survives backticks and newlines", () => {
    const html = render(`x ${markdownCode("a`b <b>c</b>\nd")} y`);
    expect(html).toContain("<code>a'b &lt;b&gt;c&lt;/b&gt; d</code>");
  });

  it("a fence outlasts any backtick run inside, so content cannot close it", () => {
    const lines = markdownFence("json", '{"r": "```\\n<script>x</script>"}');
    expect(lines[0]).toBe("````json");
    expect(lines[2]).toBe("````");
    const html = render(lines.join("\n"));
    expect(html).not.toContain("<script>");
    expect((html.match(/<pre>/g) ?? []).length).toBe(1);
  });
});

describe("escapeTerminal", () => {
  it("shows ESC sequences, carriage returns and newlines as visible escapes", () => {
    expect(escapeTerminal("role\u001b]0;pwned\u0007\r\nx\u009b2J")).toBe(
      "role\\x1b]0;pwned\\x07\\x0d\\x0ax\\x9b2J",
    );
  });

  it("leaves printable text, tabs aside, as it is", () => {
    expect(escapeTerminal("arn:aws:iam::1:role/app…")).toBe("arn:aws:iam::1:role/app…");
  });
});
