/*
 * Trail fields are attacker-controlled text (a pushed record can name a role `<script>…`): every renderer escapes
 * them for its medium. HTML goes through hono's JSX/html escaping; these cover Markdown and terminals.
 */

/** Characters CommonMark/GFM give meaning to inline; each may be backslash-escaped (CommonMark §2.4). */
const MARKDOWN_SPECIAL = /[\\`*_[\]<>&#|~!]/g;

/**
 * Text shown as Markdown prose or a heading: markup characters are backslash-escaped, so `<script>` renders as
 * text and `**x**` stays literal, and line breaks become spaces so text cannot start a new block.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, "\\$&").replace(/\s*[\r\n]+\s*/g, " ");
}

/**
 * Text as a Markdown code span: its content is literal (no HTML, no emphasis), so only the span's own delimiter
 * matters. A backtick cannot be escaped inside a span, so it is shown as a quote; line breaks become spaces.
 */
export function markdownCode(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\s*[\r\n]+\s*/g, " ")}\``;
}

/** C0 and C1 control characters, DEL included: escape sequences that could move the cursor or retitle a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text for a terminal table or line: control characters (ESC sequences, carriage returns, newlines that would
 * break a row) are shown as visible `\xNN` escapes instead of being interpreted.
 */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** A fenced code block whose fence is longer than any run of backticks inside, so the content cannot close it. */
export function markdownFence(language: string, text: string): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, text, fence];
}
