/* boardbot sandbox: a Slack look-alike page over the sandbox's JSON API.
 *
 * Sections: helpers · mrkdwn · Block Kit · state polling · sidebar · channel pane · composer ·
 * modals · App Home · time control · start-up.
 * All text reaches the page through textContent or text nodes: nothing is parsed as HTML.
 */
"use strict";

/* ---------------------------------------------------------------- helpers */

const POLL_MS = 700;
const S = {
  about: null, // workspace, people, commands (GET /api/workspace)
  state: null, // channels, messages, ephemerals, modals, homes (GET /api/state)
  version: "",
  user: "",
  pane: { kind: "channel", id: "", tab: "messages" },
  seen: {}, // channel id -> messages already seen (for unread badges)
  gone: null, // ids of the ephemerals there were when the page loaded: a reload clears them
  modalKey: "",
  jumpsKey: "",
};
const GROUP_MINUTES = 5; // consecutive messages of one sender this close share one header
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

// The server gives each run's page a token; its API answers only requests that carry it.
const TOKEN = document.querySelector('meta[name="sandbox-token"]').content;

// Which of the sandbox's workspaces the page shows: every API call names it.
const WORKSPACE = localStorage.getItem("boardbot-sandbox-workspace") || "1";

async function api(path, body) {
  const headers = { "X-Sandbox-Token": TOKEN };
  const options = body === undefined ? { headers } : {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ workspace: WORKSPACE, ...body }),
  };
  if (body === undefined) path += `${path.includes("?") ? "&" : "?"}workspace=${encodeURIComponent(WORKSPACE)}`;
  const response = await fetch(path, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function toast(text, kind) {
  const node = el("div", { class: `toast ${kind || ""}`, role: "status", text });
  document.getElementById("toasts").append(node);
  setTimeout(() => node.remove(), 6000);
}

function person(id) {
  return (S.about.people.find((p) => p.id === id) || { name: id }).name;
}

function dmOf(user) {
  return `D${user.slice(1)}`;
}

function channelName(id) {
  const found = S.about.channels.find((c) => c.id === id);
  return found ? found.name : id;
}

/* ---------------------------------------------------------------- mrkdwn */

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };
const EMOJI = {
  warning: "⚠️", white_check_mark: "✅", calendar: "📅", bell: "🔔", memo: "📝",
  hourglass: "⏳", x: "❌", heavy_check_mark: "✔️", information_source: "ℹ️", clock9: "🕘",
  inbox_tray: "📥", rotating_light: "🚨", arrow_right: "➡️", zzz: "💤", spiral_calendar_pad: "🗓️",
};
const INLINE = /(`[^`\n]+`)|(<[^<>\n]+>)|((?<![\p{L}\p{N}*])\*[^*\n]+\*(?![\p{L}\p{N}]))|((?<![\p{L}\p{N}_])_[^_\n]+_(?![\p{L}\p{N}]))|((?<![\p{L}\p{N}~])~[^~\n]+~(?![\p{L}\p{N}]))/u;

function decode(text) {
  return text
    .replace(/&(lt|gt|amp);/g, (m) => ENTITIES[m])
    .replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
}

/** Slack mrkdwn as DOM: *bold*, _italic_, ~strike~, `code`, links, mentions, line breaks. */
function mrkdwn(text) {
  const out = document.createDocumentFragment();
  String(text || "").split("\n").forEach((line, i) => {
    if (i > 0) out.append(el("br"));
    out.append(inline(line));
  });
  return out;
}

function inline(text) {
  const out = document.createDocumentFragment();
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      out.append(decode(rest));
      break;
    }
    if (match.index > 0) out.append(decode(rest.slice(0, match.index)));
    out.append(token(match[0]));
    rest = rest.slice(match.index + match[0].length);
  }
  return out;
}

function token(raw) {
  const inner = raw.slice(1, -1);
  if (raw[0] === "`") return el("code", { text: decode(inner) });
  if (raw[0] === "*") return el("strong", {}, inline(inner));
  if (raw[0] === "_") return el("em", {}, inline(inner));
  if (raw[0] === "~") return el("s", {}, inline(inner));
  return angle(inner);
}

function angle(inner) {
  const [target, label] = inner.split("|", 2);
  if (target.startsWith("@")) {
    return el("span", { class: "mention", text: `@${label || person(target.slice(1))}` });
  }
  if (target.startsWith("#")) {
    return el("span", { class: "mention", text: `#${label || channelName(target.slice(1))}` });
  }
  if (target.startsWith("!")) return el("span", { class: "mention", text: `@${target.slice(1)}` });
  const url = decode(target);
  const safe = /^(https?:|mailto:)/i.test(url) ? url : "#";
  return el("a", { href: safe, target: "_blank", rel: "noopener", text: decode(label || url) });
}

function textObject(obj) {
  if (!obj) return document.createTextNode("");
  if (obj.type === "mrkdwn") return mrkdwn(obj.text);
  return document.createTextNode(decodeEmoji(obj.text || ""));
}

function decodeEmoji(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
}

/* ---------------------------------------------------------------- Block Kit */

/**
 * Blocks as DOM. `where` says what a button click means:
 * { channel, message_ts, ephemeral_id } for messages, { view_id } for a modal or the Home tab.
 */
function renderBlocks(blocks, where) {
  const box = el("div", { class: "blocks" });
  for (const block of blocks || []) box.append(renderBlock(block, where));
  return box;
}

function renderBlock(block, where) {
  switch (block.type) {
    case "header":
      return el("div", { class: "bk-header" }, textObject(block.text));
    case "section":
      return renderSection(block, where);
    case "context":
      return el("div", { class: "bk-context" }, (block.elements || []).map((e) =>
        e.type === "image" ? el("span", { class: "bk-image", text: e.alt_text || "" })
          : el("span", {}, textObject(e))));
    case "divider":
      return el("hr", { class: "bk-divider" });
    case "actions":
      return el("div", { class: "bk-actions" },
        (block.elements || []).map((e) => renderElement(e, block, where)));
    case "input":
      return renderInput(block);
    case "image":
      return el("div", { class: "bk-image", text: block.alt_text || "image" });
    default:
      return el("div", { class: "bk-unknown", text: `[${block.type} block]` });
  }
}

function renderSection(block, where) {
  const section = el("div", { class: "bk-section" });
  const body = el("div", { class: "bk-section-body" });
  if (block.text) body.append(el("div", { class: "bk-text" }, textObject(block.text)));
  if (block.fields) {
    body.append(el("div", { class: "bk-fields" },
      block.fields.map((f) => el("div", { class: "bk-field" }, textObject(f)))));
  }
  section.append(body);
  if (block.accessory) section.append(renderElement(block.accessory, block, where));
  return section;
}

function renderElement(element, block, where) {
  if (element.type === "button") {
    const style = element.style ? `bk-button ${element.style}` : "bk-button";
    const label = element.text ? element.text.text : "";
    return el("button", {
      type: "button",
      class: style,
      "data-action": element.action_id,
      text: decodeEmoji(label),
      onclick: (event) => clickButton(event.currentTarget, element, block, where),
    });
  }
  return el("span", { class: "bk-unknown", text: `[${element.type}]` });
}

async function clickButton(button, element, block, where) {
  if (!where) return;
  if (element.url) window.open(element.url, "_blank", "noopener");
  button.disabled = true;
  try {
    await api("/api/action", {
      user: S.user,
      ...where,
      action_id: element.action_id,
      block_id: block.block_id,
      value: element.value,
      label: element.text ? element.text.text : "",
    });
  } catch (error) {
    toast(`The button could not reach boardbot: ${error.message}`, "error");
  } finally {
    setTimeout(() => { button.disabled = false; }, 1500);
  }
}

/* ---------------------------------------------------------------- state polling */

async function poll() {
  try {
    const next = await api(`/api/state?since=${encodeURIComponent(S.version)}`);
    if (!next.unchanged) {
      S.state = next;
      S.version = next.version;
      if (S.gone === null) S.gone = new Set(next.ephemerals.map((e) => e.id));
      render();
    } else if (next.now_label !== S.state.now_label) {
      const newDay = next.today !== S.state.today;
      Object.assign(S.state, { today: next.today, now_label: next.now_label, jumps: next.jumps });
      if (newDay) render();
      else renderClock();
    }
  } catch (error) {
    document.getElementById("today").textContent = "sandbox not reachable";
  }
  setTimeout(poll, POLL_MS);
}

function messagesIn(channel) {
  return (S.state && S.state.messages[channel]) || [];
}

function render() {
  renderClock();
  if (S.pane.kind === "channel" || S.pane.tab === "messages") S.seen[paneChannel()] = messagesIn(paneChannel()).length;
  renderSidebar();
  renderPane();
  renderModal();
}

/* ---------------------------------------------------------------- sidebar */

function renderSidebar() {
  document.getElementById("workspace-name").textContent = S.about.team_name;
  const channels = S.about.channels.map((c) => navItem(c.id, `# ${c.name}`, { kind: "channel", id: c.id }));
  document.getElementById("channels").replaceChildren(...channels);
  const app = navItem(dmOf(S.user), "boardbot", { kind: "app", id: dmOf(S.user) }, "APP");
  document.getElementById("dms").replaceChildren(app);
}

function navItem(channel, label, pane, tag) {
  const count = messagesIn(channel).length;
  if (S.seen[channel] === undefined) S.seen[channel] = count;
  const unread = count - S.seen[channel];
  const active = S.pane.kind === pane.kind && S.pane.id === pane.id;
  return el("li", {},
    el("button", {
      type: "button",
      class: `nav-item${active ? " active" : ""}${unread > 0 ? " unread" : ""}`,
      "data-channel": channel,
      onclick: () => openPane(pane),
    },
    el("span", { class: "nav-label", text: label }),
    tag ? el("span", { class: "app-tag", text: tag }) : null,
    unread > 0 ? el("span", { class: "badge", text: String(unread) }) : null));
}

function openPane(pane) {
  const tab = pane.tab || (pane.kind === "app" ? "home" : "messages");
  S.pane = { ...pane, tab };
  localStorage.setItem("boardbot-sandbox-pane", JSON.stringify({ kind: S.pane.kind, id: S.pane.id }));
  if (pane.kind === "app" && tab === "home") openHome();
  restoreDraft();
  render();
  document.getElementById("messages").scrollTop = 1e9;
  if (tab === "messages") document.getElementById("composer").focus();
}

/* ---------------------------------------------------------------- channel pane */

function paneChannel() {
  return S.pane.kind === "app" ? dmOf(S.user) : S.pane.id;
}

function renderPane() {
  const app = S.pane.kind === "app";
  document.getElementById("pane-title").textContent = app ? "boardbot" : `# ${channelName(S.pane.id)}`;
  const board = S.about.channels.find((c) => c.id === S.pane.id);
  document.getElementById("pane-subtitle").textContent = app
    ? "Your direct messages and Home tab with boardbot"
    : (board && board.board_key ? `${board.board_key.toUpperCase()}'s channel` : "The partnership's weekly digest");
  const calendar = !app && board && board.board_key ? S.about.calendars[board.board_key] : null;
  const subscribe = document.getElementById("subscribe");
  subscribe.hidden = !calendar;
  if (calendar) {
    subscribe.href = calendar.url;
    subscribe.textContent = "Subscribe to calendar";
    subscribe.title = `${board.board_key.toUpperCase()}'s meetings and deadlines as a calendar feed: `
      + "add this address to Outlook, Google Calendar or Apple Calendar";
  }
  if (calendar && calendar.imported) {
    document.getElementById("pane-subtitle").textContent += " · meetings from the council's calendar feed";
  }
  const tabs = document.getElementById("tabs");
  const canvas = app ? null : canvasOf(S.pane.id); // a channel's canvas is a tab beside its messages
  tabs.hidden = !app && !canvas;
  for (const button of tabs.querySelectorAll("button")) {
    button.hidden = button.dataset.tab === (app ? "canvas" : "home");
    button.setAttribute("aria-selected", String(button.dataset.tab === S.pane.tab));
  }
  const showHome = app && S.pane.tab === "home";
  const showCanvas = Boolean(canvas) && S.pane.tab === "canvas";
  document.getElementById("home").hidden = !showHome;
  document.getElementById("canvas").hidden = !showCanvas;
  document.getElementById("messages").hidden = showHome || showCanvas;
  document.getElementById("composer-form").hidden = showHome || showCanvas;
  document.getElementById("composer").placeholder = app
    ? "Message boardbot: a slash command, e.g. /agenda"
    : `Message #${channelName(S.pane.id)}: a slash command, e.g. /duties${board && board.board_key ? ` ${board.board_key}` : ""}`;
  if (showHome) renderHome();
  else if (showCanvas) renderCanvasPane(canvas);
  else renderMessages();
}

function renderMessages() {
  const list = document.getElementById("messages");
  const channel = paneChannel();
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const items = [
    ...messagesIn(channel).map((m) => ({ ...m, kind: "message" })),
    ...S.state.ephemerals.filter((e) => e.user === S.user && e.channel === channel && !S.gone.has(e.id))
      .map((e) => ({ ...e, kind: "ephemeral" })),
  ].sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  const nodes = [];
  let previous = null;
  for (const item of items) {
    if (!previous || previous.day !== item.day) nodes.push(dayDivider(item.day));
    else if (item.kind === "message" && sameSender(previous, item)) item.grouped = true;
    nodes.push(item.kind === "message" ? messageNode(item, channel) : ephemeralNode(item, channel));
    previous = item;
  }
  if (!nodes.length) nodes.push(emptyNote(channel));
  list.replaceChildren(...nodes);
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

/** Slack shows one header for a run of messages from one sender a few minutes apart. */
function sameSender(previous, item) {
  return previous.kind === "message" && previous.user === item.user
    && item.posted - previous.posted <= GROUP_MINUTES * 60;
}

function dayDivider(isoDay) {
  return el("div", { class: "day-divider", role: "separator", "data-day": isoDay },
    el("span", { text: dayLabel(isoDay) }));
}

/** "Today", "Yesterday", "Tuesday 1 September" (with the year when it is not this year's). */
function dayLabel(isoDay) {
  if (isoDay === S.state.today) return "Today";
  if (isoDay === shiftDay(S.state.today, -1)) return "Yesterday";
  const day = new Date(`${isoDay}T12:00:00Z`);
  const label = `${DAY_NAMES[day.getUTCDay()]} ${day.getUTCDate()} ${MONTH_NAMES[day.getUTCMonth()]}`;
  return isoDay.slice(0, 4) === S.state.today.slice(0, 4) ? label : `${label} ${day.getUTCFullYear()}`;
}

function shiftDay(isoDay, days) {
  const day = new Date(`${isoDay}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

function messageNode(message, channel) {
  const where = { channel, message_ts: message.ts };
  const edited = message.edited ? el("span", { class: "time", text: "(edited)" }) : null;
  if (message.grouped) {
    return el("div", { class: "message grouped", "data-ts": message.ts },
      el("div", { class: "gutter" }, el("span", { class: "time", text: message.time })),
      el("div", { class: "message-body" }, content(message, where), edited));
  }
  return el("div", { class: "message", "data-ts": message.ts },
    el("div", { class: "avatar", text: "b", "aria-hidden": "true" }),
    el("div", { class: "message-body" },
      el("div", { class: "message-meta" },
        el("span", { class: "author", text: "boardbot" }),
        el("span", { class: "app-tag", text: "APP" }),
        el("span", { class: "time", text: message.time }),
        edited),
      content(message, where)));
}

function ephemeralNode(item, channel) {
  const where = { channel, message_ts: item.ts || "", ephemeral_id: item.id };
  return el("div", { class: "message ephemeral", "data-ephemeral": item.id },
    el("div", { class: "avatar", text: "b", "aria-hidden": "true" }),
    el("div", { class: "message-body" },
      el("div", { class: "only-you", text: "Only visible to you" }),
      item.command ? el("div", { class: "invocation", text: `You used ${item.command}` }) : null,
      el("div", { class: "message-meta" },
        el("span", { class: "author", text: "boardbot" }),
        el("span", { class: "app-tag", text: "APP" }),
        el("span", { class: "time", text: item.time })),
      content(item, where)));
}

function content(message, where) {
  const files = message.files && message.files.length ? filesNode(message.files) : null;
  if (message.blocks && message.blocks.length) {
    return el("div", {}, renderBlocks(message.blocks, where), files);
  }
  return el("div", {}, message.text ? el("div", { class: "bk-text" }, mrkdwn(message.text)) : null, files);
}

function emptyNote(channel) {
  const board = S.about.channels.find((c) => c.id === channel && c.board_key);
  let hint = "Nothing from boardbot yet. Its reminders and answers to forms arrive here.";
  if (board) {
    hint = `Nothing here yet. Try /duties ${board.board_key} below, or press Next working day above.`;
  } else if (!channel.startsWith("D")) {
    hint = "Nothing here yet. The weekly digest is posted here on Monday mornings: press Next Monday (digest) above.";
  }
  return el("div", { class: "empty", text: hint });
}

/* ---------------------------------------------------------------- composer */

const DRAFTS = "boardbot-sandbox-drafts";

/** As in Slack, what someone typed and did not send stays with the channel, across reloads. */
function drafts() {
  try {
    return JSON.parse(localStorage.getItem(DRAFTS) || "{}");
  } catch (error) {
    return {};
  }
}

function saveDraft(text) {
  const all = drafts();
  const key = `${S.user}:${paneChannel()}`;
  if (text) all[key] = text;
  else delete all[key];
  localStorage.setItem(DRAFTS, JSON.stringify(all));
}

function restoreDraft() {
  const input = document.getElementById("composer");
  input.value = drafts()[`${S.user}:${paneChannel()}`] || "";
  document.getElementById("composer-note").textContent = "";
  showSuggestions("");
}

function setUpComposer() {
  const input = document.getElementById("composer");
  document.getElementById("composer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    const note = document.getElementById("composer-note");
    if (!text) return;
    if (!text.startsWith("/")) {
      note.textContent = "The sandbox sends only slash commands to boardbot: start with /, e.g. /duties.";
      return;
    }
    const name = text.split(/\s+/)[0];
    if (!S.about.commands.some((c) => c.name === name)) {
      note.textContent = `${name} is not a valid command. Try ${S.about.commands.map((c) => c.name).join(", ")}.`;
      return;
    }
    note.textContent = "";
    input.value = "";
    saveDraft("");
    showSuggestions("");
    try {
      await api("/api/command", { user: S.user, channel: paneChannel(), text });
    } catch (error) {
      toast(`The command could not reach boardbot: ${error.message}`, "error");
    }
  });
  input.addEventListener("input", () => {
    saveDraft(input.value);
    showSuggestions(input.value);
  });
  input.addEventListener("keydown", (event) => {
    const first = document.querySelector("#suggestions:not([hidden]) button");
    if (event.key === "Escape") showSuggestions("");
    if (event.key === "Tab" && first) {
      event.preventDefault();
      first.click();
    }
  });
}

function showSuggestions(text) {
  const list = document.getElementById("suggestions");
  const typed = text.trim();
  const matches = typed.startsWith("/") && !typed.includes(" ")
    ? S.about.commands.filter((c) => c.name.startsWith(typed)) : [];
  list.hidden = !matches.length;
  list.replaceChildren(...matches.map((c) => el("li", {},
    el("button", {
      type: "button",
      onclick: () => {
        const input = document.getElementById("composer");
        input.value = `${c.name} `;
        saveDraft(input.value);
        showSuggestions("");
        input.focus();
      },
    }, el("strong", { text: c.name }), " ", el("span", { text: c.usage.replace(/^\S+\s+[—-]\s+/, "") })))));
}

/* ---------------------------------------------------------------- modals */

function renderModal() {
  const layer = document.getElementById("modal-layer");
  const view = S.state.modals[S.user];
  const key = view ? `${S.user}:${view.id}:${view.hash}` : "";
  if (key === S.modalKey) return; // keep what the person has typed
  S.modalKey = key;
  layer.hidden = !view;
  layer.replaceChildren();
  if (view) layer.append(modalNode(view));
}

function modalNode(view) {
  const form = el("form", { class: "modal", id: "modal", role: "dialog", "aria-modal": "true",
    "aria-label": view.title ? view.title.text : "boardbot" });
  const close = () => closeModal(view);
  form.append(
    el("div", { class: "modal-header" },
      el("h2", { text: view.title ? view.title.text : "boardbot" }),
      el("button", { type: "button", class: "modal-x", "aria-label": "Close", text: "×", onclick: close })),
    el("div", { class: "modal-body" }, renderBlocks(view.blocks, { view_id: view.id, channel: "" })),
    el("div", { class: "modal-footer" },
      el("button", { type: "button", class: "bk-button", text: view.close ? view.close.text : "Cancel", onclick: close }),
      view.submit ? el("button", { type: "submit", class: "bk-button primary", text: view.submit.text }) : null));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitModal(form, view);
  });
  return form;
}

function renderInput(block) {
  const id = `input-${block.block_id}`;
  const element = block.element || {};
  const label = el("label", { class: "bk-label", for: id },
    block.label ? block.label.text : "", block.optional ? el("span", { class: "optional", text: " (optional)" }) : null);
  return el("div", { class: "bk-input", "data-block": block.block_id },
    label,
    inputControl(element, id),
    block.hint ? el("div", { class: "bk-hint", text: block.hint.text }) : null,
    el("div", { class: "bk-error", role: "alert" }));
}

function inputControl(element, id) {
  const common = { id, "data-action": element.action_id, "data-type": element.type };
  if (element.type === "static_select") {
    // As in Slack: the placeholder shows until a choice is made, and cannot be chosen back;
    // a select given an initial option shows it, and no placeholder.
    const chosen = element.initial_option ? element.initial_option.value : null;
    const placeholder = element.placeholder ? element.placeholder.text : "Choose…";
    return el("select", common,
      chosen === null ? el("option", { value: "", text: placeholder, selected: true, disabled: true, hidden: true }) : null,
      (element.options || []).map((o) => el("option", { value: o.value, text: o.text.text, selected: o.value === chosen })));
  }
  if (element.type === "datepicker") {
    return el("input", { ...common, type: "date", value: element.initial_date || "" });
  }
  if (element.type === "plain_text_input" && element.multiline) {
    const area = el("textarea", { ...common, rows: 4 });
    area.value = element.initial_value || "";
    return area;
  }
  if (element.type === "conversations_select") {
    // As in Slack: the workspace's channels, the placeholder until one is chosen.
    const chosen = element.initial_conversation || "";
    const placeholder = element.placeholder ? element.placeholder.text : "Choose a channel…";
    return el("select", common,
      el("option", { value: "", text: placeholder, selected: !chosen }),
      S.about.channels.map((c) => el("option", { value: c.id, text: `# ${c.name}`, selected: c.id === chosen })));
  }
  if (element.type === "multi_users_select") {
    const chosen = new Set(element.initial_users || []);
    return el("select", { ...common, multiple: true, size: 4 },
      S.about.people.map((p) => el("option", { value: p.id, text: p.name, selected: chosen.has(p.id) })));
  }
  if (element.type === "file_input") {
    // The picked file is uploaded to the stand-in Slack at once, as Slack's client does.
    const accept = (element.filetypes || []).map((t) => `.${t}`).join(",");
    const input = el("input", { ...common, type: "file", accept });
    input.dataset.files = "[]";
    input.addEventListener("change", async () => {
      input.dataset.files = "[]";
      const file = input.files[0];
      if (!file) return;
      try {
        const answer = await api("/api/upload", { user: S.user, name: file.name, content: await file.text() });
        input.dataset.files = JSON.stringify([answer.file]);
      } catch (error) {
        toast(`The file could not be uploaded: ${error.message}`, "error");
      }
    });
    return input;
  }
  return el("input", { ...common, type: "text", value: element.initial_value || "" });
}

function stateValues(form) {
  const values = {};
  for (const box of form.querySelectorAll(".bk-input")) {
    const control = box.querySelector("[data-action]");
    const type = control.dataset.type;
    let value = { type, value: control.value };
    if (type === "static_select") {
      const option = control.selectedOptions[0];
      value = { type, selected_option: control.value ? { value: control.value, text: { type: "plain_text", text: option.textContent } } : null };
    } else if (type === "datepicker") {
      value = { type, selected_date: control.value || null };
    } else if (type === "conversations_select") {
      value = { type, selected_conversation: control.value || null };
    } else if (type === "multi_users_select") {
      value = { type, selected_users: [...control.selectedOptions].map((o) => o.value) };
    } else if (type === "file_input") {
      value = { type, files: JSON.parse(control.dataset.files || "[]") };
    }
    values[box.dataset.block] = { [control.dataset.action]: value };
  }
  return values;
}

async function submitModal(form, view) {
  for (const error of form.querySelectorAll(".bk-error")) error.textContent = "";
  const submit = form.querySelector("button[type=submit]");
  submit.disabled = true;
  try {
    const answer = await api("/api/submit", { user: S.user, view_id: view.id, values: stateValues(form) });
    const errors = Object.entries(answer.errors || {});
    for (const [blockId, message] of errors) {
      const box = form.querySelector(`.bk-input[data-block="${CSS.escape(blockId)}"] .bk-error`);
      if (box) box.textContent = message;
    }
    if (!answer.ok) toast(`boardbot did not accept the form (HTTP ${answer.status})`, "error");
  } catch (error) {
    toast(`The form could not reach boardbot: ${error.message}`, "error");
  } finally {
    submit.disabled = false;
  }
}

async function closeModal(view) {
  document.getElementById("modal-layer").hidden = true;
  await api("/api/close", { user: S.user, view_id: view.id });
}

/* ---------------------------------------------------------------- App Home */

async function openHome() {
  try {
    await api("/api/home", { user: S.user });
  } catch (error) {
    toast(`The Home tab could not reach boardbot: ${error.message}`, "error");
  }
}

function renderHome() {
  const box = document.getElementById("home");
  const view = S.state.homes[S.user];
  if (!view) {
    box.replaceChildren(el("div", { class: "empty", text: "Opening your Home tab…" }));
    return;
  }
  box.replaceChildren(renderBlocks(view.blocks, { view_id: view.id, channel: dmOf(S.user) }));
}

function setUpTabs() {
  for (const button of document.querySelectorAll("#tabs button")) {
    button.addEventListener("click", () => openPane({ ...S.pane, tab: button.dataset.tab }));
  }
}

/* ---------------------------------------------------------------- time control */

function renderClock() {
  document.getElementById("today").textContent = S.state.now_label;
  const picker = document.getElementById("jump-date");
  const tomorrow = shiftDay(S.state.today, 1);
  if (picker.min !== tomorrow) {
    picker.min = tomorrow;
    if (!picker.value || picker.value < tomorrow) picker.value = S.state.jumps[0].date;
  }
  const key = JSON.stringify(S.state.jumps);
  if (key === S.jumpsKey) return;
  S.jumpsKey = key;
  document.getElementById("jumps").replaceChildren(...S.state.jumps.map((jump) =>
    el("button", {
      type: "button",
      class: "quick",
      "data-jump": jump.key,
      title: `Jump to ${jump.day_label}, ticking the clock on each working day on the way`,
      onclick: () => jumpTo({ to: jump.key }),
    }, jump.label, " ", el("span", { class: "when", text: jump.day_label }))));
}

async function jumpTo(where) {
  const buttons = document.querySelectorAll("#time-control button");
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const report = await api("/api/jump", where);
    const posted = report.sent === 1 ? "1 message" : `${report.sent} messages`;
    const days = report.working_days === 1 ? "" : ` (the clock ticked on ${report.working_days} working days)`;
    const quiet = report.quiet ? "; a weekend or bank holiday: nothing is sent today" : "";
    toast(`${report.now_label}: boardbot posted ${posted}${days}${quiet}.`, "jumped");
  } catch (error) {
    toast(`Could not jump: ${error.message}`, "error");
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function setUpTimeControl() {
  document.getElementById("time-control").addEventListener("submit", (event) => {
    event.preventDefault();
    jumpTo({ date: document.getElementById("jump-date").value });
  });
}

/* ---------------------------------------------------------------- start-up */

function setUpPersonPicker() {
  const picker = document.getElementById("person");
  const byBoard = {};
  for (const p of S.about.people) (byBoard[p.board_key] = byBoard[p.board_key] || []).push(p);
  picker.replaceChildren(...Object.entries(byBoard).map(([board, people]) =>
    el("optgroup", { label: board.toUpperCase() },
      people.map((p) => el("option", { value: p.id, text: p.name })))));
  const saved = localStorage.getItem("boardbot-sandbox-person");
  S.user = S.about.people.some((p) => p.id === saved) ? saved : S.about.people[0].id;
  picker.value = S.user;
  picker.addEventListener("change", () => {
    S.user = picker.value;
    localStorage.setItem("boardbot-sandbox-person", S.user);
    S.modalKey = "";
    if (S.pane.kind === "app") openPane({ kind: "app", id: dmOf(S.user), tab: S.pane.tab });
    else {
      restoreDraft();
      render();
    }
  });
}

function lastPane() {
  try {
    const saved = JSON.parse(localStorage.getItem("boardbot-sandbox-pane") || "null");
    if (saved && saved.kind === "app") return { kind: "app", id: dmOf(S.user), tab: "messages" };
    if (saved && S.about.channels.some((c) => c.id === saved.id)) return { kind: "channel", id: saved.id, tab: "messages" };
  } catch (error) {
    // a stale or foreign value: start in the first channel
  }
  return { kind: "channel", id: S.about.channels[0].id, tab: "messages" };
}

function setUpWorkspaceSwitcher() {
  const switcher = document.getElementById("workspace-switch");
  const workspaces = S.about.workspaces || [];
  document.getElementById("workspace-switcher").hidden = workspaces.length < 2;
  switcher.replaceChildren(...workspaces.map((w) => el("option", { value: w.key, text: w.name })));
  switcher.value = S.about.workspace;
  switcher.addEventListener("change", () => {
    localStorage.setItem("boardbot-sandbox-workspace", switcher.value);
    location.reload(); // another workspace is another Slack client
  });
}

async function start() {
  try {
    S.about = await api("/api/workspace");
  } catch (error) { // a workspace this run does not have: back to the first
    localStorage.removeItem("boardbot-sandbox-workspace");
    location.reload();
    return;
  }
  document.title = `${S.about.team_name} · boardbot sandbox`;
  setUpWorkspaceSwitcher();
  setUpPersonPicker();
  setUpComposer();
  setUpTabs();
  setUpTimeControl();
  await api("/api/loaded", {}); // a new page is a new Slack client: no modal is open in it
  S.pane = lastPane();
  restoreDraft();
  await poll();
  document.getElementById("messages").scrollTop = 1e9;
  document.getElementById("composer").focus();
}

start();
