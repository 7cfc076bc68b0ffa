/* boardbot sandbox: a channel's canvas as a tab, and files shared in messages.
 *
 * Loaded before sandbox.js, which calls canvasOf(), renderCanvasPane() and filesNode().
 * As there, all text reaches the page through text nodes: the canvas's markdown is read line by
 * line into headings, lists, rules and paragraphs, never parsed as HTML.
 */
"use strict";

/** The canvas tabbed in a channel (as conversations.info's properties.canvas names it). */
function canvasOf(channel) {
  const all = (S.state && S.state.canvases) || {};
  return Object.values(all).find((c) => c.channel === channel) || null;
}

function renderCanvasPane(canvas) {
  const box = document.getElementById("canvas");
  box.replaceChildren(
    el("div", { class: "canvas-note", text: "Kept up to date by boardbot's clock: on every tick "
      + "in a workspace (every five minutes); here, each time the clock moves forward." }),
    el("article", { class: "canvas-doc", "data-canvas": canvas.id }, canvasMarkdown(canvas.markdown)));
}

/* ---------------------------------------------------------------- canvas markdown */

/** The block elements Slack's canvases take: headings, lists, rules, quotes, paragraphs. */
function canvasMarkdown(markdown) {
  const out = document.createDocumentFragment();
  let list = null;
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) out.append(el("p", {}, canvasInline(paragraph.join(" "))));
    paragraph = [];
  };
  for (const line of String(markdown || "").split("\n")) {
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    const bullet = /^\s*[-*] (.*)$/.exec(line);
    if (!bullet) list = null;
    if (heading) {
      flush();
      out.append(el(`h${heading[1].length}`, {}, canvasInline(heading[2])));
    } else if (bullet) {
      flush();
      if (!list) out.append((list = el("ul")));
      list.append(el("li", {}, canvasInline(bullet[1])));
    } else if (/^(-{3,}|\*{3,})$/.test(line.trim())) {
      flush();
      out.append(el("hr"));
    } else if (line.startsWith("> ")) {
      flush();
      out.append(el("blockquote", {}, canvasInline(line.slice(2))));
    } else if (!line.trim()) {
      flush();
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  return out;
}

const CANVAS_INLINE = /(\\[\\`*_{}[\]()#+\-.!|<>~])|(\*\*[^*]+\*\*)|(\[[^\]]*\]\([^)\s]+\))|(`[^`]+`)|((?<![\p{L}\p{N}\\])[*_][^*_]+[*_](?![\p{L}\p{N}]))/u;

/** Inline marks: **bold**, *italic* or _italic_, `code`, [links](https://…), \escapes. */
function canvasInline(text) {
  const out = document.createDocumentFragment();
  let rest = text;
  while (rest) {
    const match = CANVAS_INLINE.exec(rest);
    if (!match) {
      out.append(rest);
      break;
    }
    if (match.index > 0) out.append(rest.slice(0, match.index));
    out.append(canvasToken(match[0]));
    rest = rest.slice(match.index + match[0].length);
  }
  return out;
}

function canvasToken(raw) {
  if (raw[0] === "\\") return document.createTextNode(raw[1]);
  if (raw.startsWith("**")) return el("strong", {}, canvasInline(raw.slice(2, -2)));
  if (raw[0] === "`") return el("code", { text: raw.slice(1, -1) });
  if (raw[0] === "[") {
    const split = raw.lastIndexOf("](");
    const url = raw.slice(split + 2, -1);
    const safe = /^https?:/i.test(url) ? url : "#";
    return el("a", { href: safe, target: "_blank", rel: "noopener" }, canvasInline(raw.slice(1, split)));
  }
  return el("em", {}, canvasInline(raw.slice(1, -1)));
}

/* ---------------------------------------------------------------- files in messages */

/** The files a message shares, as Slack shows them: a card each that opens the file. */
function filesNode(files) {
  return el("div", { class: "files" }, files.map((file) => {
    const page = file.filetype === "html";
    // A page opens in a new tab; anything else downloads (its answer is an attachment).
    return el("a", {
      class: "file",
      "data-file": file.id,
      href: page ? file.url_private : file.url_private_download,
      target: page ? "_blank" : null,
      rel: page ? "noopener" : null,
      title: page ? "Open in the browser" : "Download",
    },
    el("span", { class: `file-icon ${file.filetype}`, text: file.filetype.toUpperCase(), "aria-hidden": "true" }),
    el("span", { class: "file-text" },
      el("span", { class: "file-title", text: file.title || file.name }),
      el("span", { class: "file-meta", text: `${file.pretty_type} · ${fileSize(file.size)} · ${page ? "opens in the browser" : "downloads"}` })));
  }));
}

function fileSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
