// editor.js: progressive enhancement for the admin's post editor (form.editor).
// The form works without it; this adds the Markdown toolbar, live preview,
// word count, autosave, restore of an autosave and keyboard shortcuts.
// CSP-safe: no inline code, no eval, no style attributes.
(() => {
  "use strict";
  const form = document.querySelector("form.editor");
  const body = form && form.querySelector("textarea[data-editor]");
  if (!body) return; // not the editor page: do nothing

  // form.title is the element's title attribute, so fields go through namedItem.
  const field = (name) => form.elements.namedItem(name);
  const title = field("title");
  const standfirst = field("standfirst");
  const val = (el) => (el ? el.value : "");
  const ar = document.documentElement.lang === "ar";
  const msg = ar
    ? { words: "كلمة", autosaved: "حُفظ تلقائياً", failed: "تعذّر الحفظ التلقائي", offline: "لا اتصال — سيُعاد الحفظ التلقائي", preview: "تعذّرت المعاينة" }
    : { words: "words", autosaved: "Autosaved", failed: "Autosave failed", offline: "Offline — autosave will retry", preview: "Preview failed" };
  const post = (url, fields) => fetch(url, { method: "POST", body: new URLSearchParams(fields), credentials: "same-origin" });

  // ---- Inserting text ----
  // Replace [start, end) with text, then select [selStart, selEnd) counted from
  // start. execCommand keeps the textarea's undo stack (Ctrl+Z works); where it
  // is missing, setRangeText still edits, only without undo.
  function replace(el, start, end, text, selStart = text.length, selEnd = selStart) {
    el.focus();
    el.setSelectionRange(start, end);
    let done = false;
    // Only when el really has focus: execCommand edits whatever element does.
    if (document.activeElement === el) {
      try { done = document.execCommand("insertText", false, text); } catch { done = false; }
    }
    if (!done) { el.setRangeText(text, start, end, "end"); el.dispatchEvent(new Event("input", { bubbles: true })); }
    el.setSelectionRange(start + selStart, start + selEnd);
  }

  // The selection without surrounding spaces (a double-click catches one), so
  // that markers hug the words: "**word** ", never "**word **".
  function selection() {
    const { selectionStart: s, selectionEnd: e, value: v } = body;
    const raw = v.slice(s, e);
    const sel = raw.trim();
    const from = s + raw.length - raw.trimStart().length;
    return { from, to: from + sel.length, sel };
  }
  function wrap(mark) {
    const { from, to, sel } = selection();
    replace(body, from, to, mark + sel + mark, mark.length, mark.length + sel.length);
  }

  // Line prefixes: "own" recognises the prefix to toggle it off, "strip"
  // removes a competing one (an H3 becomes an H2, a bullet becomes a number).
  const lineKinds = {
    h2: { own: /^## /, strip: /^#{1,6} +/, add: () => "## " },
    h3: { own: /^### /, strip: /^#{1,6} +/, add: () => "### " },
    quote: { own: /^> ?/, strip: /^$/, add: () => "> " },
    ul: { own: /^- /, strip: /^(?:[-*+]|\d+[.)]) +/, add: () => "- " },
    ol: { own: /^\d+\. /, strip: /^(?:[-*+]|\d+[.)]) +/, add: (i) => `${i + 1}. ` },
  };
  function prefixLines(kind) {
    const k = lineKinds[kind];
    const v = body.value;
    const s = body.selectionStart;
    let e = body.selectionEnd;
    if (e > s && v[e - 1] === "\n") e--; // a selection ending at a line start leaves that line alone
    const ls = v.lastIndexOf("\n", s - 1) + 1;
    let le = v.indexOf("\n", e);
    if (le < 0) le = v.length;
    const lines = v.slice(ls, le).split("\n");
    const used = lines.filter((l) => l.trim() !== "");
    const off = used.length > 0 && used.every((l) => k.own.test(l));
    let n = 0;
    const text = lines.map((l) => {
      if (l.trim() === "" && lines.length > 1) return l;
      return off ? l.replace(k.own, "") : k.add(n++) + l.replace(k.strip, "");
    }).join("\n");
    // A caret stays a caret at the end of the line; a selection keeps covering the lines.
    if (s === body.selectionEnd) replace(body, ls, le, text);
    else replace(body, ls, le, text, 0, text.length);
  }

  // Images and embeds are blocks: keep a blank line around them.
  function insertBlock(text, selStart, selEnd = selStart) {
    const { selectionStart: s, selectionEnd: e, value: v } = body;
    const before = v.slice(0, s);
    const after = v.slice(e);
    const head = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const tail = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    replace(body, s, e, head + text + tail, head.length + selStart, head.length + selEnd);
  }

  const isURL = (t) => /^https?:\/\/\S+$/.test(t);
  function apply(action) {
    const { from, to, sel } = selection();
    switch (action) {
      case "bold": return wrap("**");
      case "italic": return wrap("*");
      case "link": {
        // A selected URL becomes the target; otherwise the selection is the
        // text, and the URL part is selected, ready to be typed over.
        if (isURL(sel)) return replace(body, from, to, `[](${sel})`, 1);
        const text = `[${sel}](https://)`;
        return replace(body, from, to, text, sel.length + 3, text.length - 1);
      }
      case "image": {
        const text = `![${sel || "alt"}](/uploads/)`;
        return insertBlock(text, text.length - 1); // caret after /uploads/: type the file name
      }
      case "embed": {
        // An embed is a bare URL alone on its line.
        const url = isURL(sel) ? sel : "https://";
        return insertBlock(url, url.length);
      }
      default:
        if (lineKinds[action]) prefixLines(action);
    }
  }

  const toolbar = form.querySelector(".md-toolbar");
  if (toolbar) {
    toolbar.hidden = false;
    // Keep focus (and the selection) in the textarea while clicking buttons.
    toolbar.addEventListener("mousedown", (e) => { if (e.target.closest("[data-md]")) e.preventDefault(); });
    toolbar.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-md]");
      if (b && !b.disabled) apply(b.dataset.md);
    });
  }

  // ---- Live preview ----
  const preview = form.querySelector("[data-preview]");
  const toggle = form.querySelector("[data-preview-toggle]");
  const bodyBox = body.closest("label") || body;
  let previewSeq = 0;
  let previewTimer = 0;
  async function renderPreview() {
    const seq = ++previewSeq;
    preview.setAttribute("aria-busy", "true");
    try {
      const res = await post("/admin/preview", { body: body.value });
      const html = await res.text();
      if (seq !== previewSeq) return; // a newer request has been sent: its answer wins
      // The server sanitizes the fragment; an error answer is plain text.
      if (res.ok) preview.innerHTML = html;
      else preview.textContent = `${msg.preview} (${res.status})`;
    } catch {
      if (seq === previewSeq) preview.textContent = msg.preview;
    } finally {
      if (seq === previewSeq) preview.removeAttribute("aria-busy");
    }
  }
  function showPreview(on) {
    preview.hidden = !on;
    bodyBox.hidden = on;
    toggle.setAttribute("aria-pressed", String(on));
    // Markdown buttons would edit an invisible textarea.
    for (const b of form.querySelectorAll("button[data-md]")) b.disabled = on;
    if (on) renderPreview();
    else body.focus();
  }
  if (preview && toggle) {
    toggle.setAttribute("aria-pressed", "false");
    toggle.addEventListener("click", () => showPreview(preview.hidden));
    body.addEventListener("input", () => {
      if (!preview.hidden) { clearTimeout(previewTimer); previewTimer = setTimeout(renderPreview, 500); }
    });
  }

  // ---- Word count ----
  const countEl = form.querySelector("[data-wordcount]");
  function countWords() {
    // Link targets and bare URLs are not words the reader reads.
    const md = body.value.replace(/\]\([^)\s]*\)/g, "]").replace(/https?:\/\/\S+/g, " ");
    const text = `${val(title)} ${val(standfirst)} ${md}`;
    const n = (text.match(/[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu) || []).length;
    countEl.textContent = `${n} ${msg.words}`;
  }
  if (countEl) { countWords(); form.addEventListener("input", countWords); }

  // ---- Autosave ----
  const statusEl = form.querySelector("[data-autosave-status]");
  const say = (text) => { if (statusEl) statusEl.textContent = text; };
  const hhmm = (d) => `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  const texts = () => ({ title: val(title), standfirst: val(standfirst), body: body.value });
  const snapshot = () => JSON.stringify(texts());
  const autosaveURL = form.dataset.autosave || "";
  let saved = snapshot(); // what the server holds: the text at load, then at each autosave
  let refused = "";       // text the server refused: not resent until it changes
  let inFlight = false;
  let submitting = false;
  let timer = 0;

  async function autosave() {
    const now = snapshot();
    if (inFlight || submitting || now === saved || now === refused) return;
    inFlight = true;
    try {
      const res = await post(autosaveURL, texts());
      let data = null;
      try { data = await res.json(); } catch { data = null; } // e.g. "Sign in first" as text
      if (submitting) return;
      if (res.ok && data && data.saved_at) {
        saved = now;
        const at = new Date(data.saved_at);
        say(`${msg.autosaved} ${hhmm(isNaN(at) ? new Date() : at)}`);
      } else {
        refused = now;
        say((data && data.error) || `${msg.failed} (${res.status})`);
      }
    } catch {
      say(msg.offline); // network error: the changes stay pending, the next tick retries
    } finally {
      inFlight = false;
    }
  }
  const startAutosave = () => { if (autosaveURL && !timer) timer = setInterval(autosave, 5000); };
  startAutosave();

  // ---- Leaving the page ----
  const formState = () => new URLSearchParams(new FormData(form)).toString();
  const loaded = formState();
  form.addEventListener("submit", () => { submitting = true; clearInterval(timer); timer = 0; });
  window.addEventListener("beforeunload", (e) => {
    if (submitting || formState() === loaded) return;
    e.preventDefault();
    e.returnValue = ""; // older browsers need it to show the prompt
  });
  // Back from a submit through the back/forward cache: the page is live again.
  window.addEventListener("pageshow", (e) => {
    if (e.persisted) { submitting = false; startAutosave(); }
  });

  // ---- Restoring the autosave the server found ----
  const restore = document.querySelector("[data-restore-autosave]");
  const stash = document.getElementById("autosave-data");
  if (restore && stash && stash.content) {
    restore.addEventListener("click", () => {
      for (const src of stash.content.querySelectorAll("textarea[data-field]")) {
        const name = src.dataset.field;
        const el = ["title", "standfirst", "body"].includes(name) && field(name);
        // Through replace() so that Ctrl+Z can undo the restore.
        if (el && el.value !== src.value) replace(el, 0, el.value.length, src.value, 0, 0);
      }
      const notice = restore.closest(".notice");
      if (notice) notice.hidden = true;
      body.focus();
    });
  }

  // ---- Keyboard ----
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    // e.key is "س" on an Arabic layout: fall back to the physical key.
    let k = e.key.toLowerCase();
    if (!/^[a-z]$/.test(k)) k = e.code.startsWith("Key") ? e.code.slice(3).toLowerCase() : "";
    if (k === "s") {
      e.preventDefault();
      const save = form.querySelector('button[name="action"][value="save"]');
      if (save) save.click();
    } else if ((k === "b" || k === "i") && e.target === body) {
      e.preventDefault();
      apply(k === "b" ? "bold" : "italic");
    }
  });
})();
