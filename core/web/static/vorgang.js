/* vorgang: progressive enhancement of the server-rendered forms. Every page
   works without this script. It
   - shows and hides fields and sections by their visible_if condition and
     marks fields required by their required_if condition, with the same
     semantics as the server (core/form EvalCondition; both are tested
     against core/form/testdata/conditions.json);
   - adds and removes entries of repeating groups without a round trip;
   - shows forms with layout: steps one section at a time;
   - refuses a chosen file over its field's limit (data-max-size,
     data-max-files) at once, so a post is never refused as too large
     after the person typed everything;
   - shows computed fields while the form is filled in: after a pause in
     typing it asks the server (data-compute) what the input computes and
     puts the answer into the read-only boxes, announcing changes politely.
   The server checks every submission again; nothing here is trusted. */
(function () {
  "use strict";

  var OPS = ["in", "not_in", "empty", "gt", "gte", "lt", "lte", "equals", "not_equals"];
  var PLAIN_NUMBER = /^[+-]?[0-9]+(\.[0-9]+)?$/;

  function isPlainObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function toNumber(v) {
    if (typeof v === "number") {
      return isFinite(v) ? v : null;
    }
    if (typeof v === "string") {
      var s = v.trim();
      if (!PLAIN_NUMBER.test(s)) {
        return null;
      }
      var f = parseFloat(s);
      return isFinite(f) ? f : null;
    }
    return null;
  }

  function isEmpty(v) {
    if (v === null || v === undefined) {
      return true;
    }
    if (typeof v === "string") {
      return v.trim() === "";
    }
    if (typeof v === "boolean") {
      return !v;
    }
    if (Array.isArray(v)) {
      return v.length === 0;
    }
    if (isPlainObject(v)) {
      return Object.keys(v).length === 0;
    }
    return false;
  }

  function scalarEqual(a, b) {
    if (a === undefined) { a = null; }
    if (b === undefined) { b = null; }
    if (a === null || b === null) {
      return a === null && b === null;
    }
    if (typeof a === "string" && typeof b === "string") {
      return a === b;
    }
    if (typeof a === "boolean") {
      return typeof b === "boolean" && a === b;
    }
    if (typeof b === "boolean") {
      return false;
    }
    if (typeof a === "number" || typeof b === "number") {
      var af = toNumber(a), bf = toNumber(b);
      return af !== null && bf !== null && af === bf;
    }
    return false;
  }

  function sameSet(a, b) {
    function has(list, v) {
      return list.some(function (e) { return scalarEqual(e, v); });
    }
    return a.every(function (v) { return has(b, v); }) && b.every(function (v) { return has(a, v); });
  }

  function equalsValue(v, want) {
    if (Array.isArray(want)) {
      return Array.isArray(v) && sameSet(v, want);
    }
    if (Array.isArray(v)) {
      return v.some(function (e) { return scalarEqual(e, want); });
    }
    return scalarEqual(v, want);
  }

  function inList(v, list) {
    list = Array.isArray(list) ? list : [];
    if (Array.isArray(v)) {
      return v.some(function (e) { return list.some(function (w) { return scalarEqual(e, w); }); });
    }
    return list.some(function (w) { return scalarEqual(v, w); });
  }

  function compare(v, pred) {
    if (Array.isArray(v)) {
      return v.some(function (e) { var f = toNumber(e); return f !== null && pred(f); });
    }
    var f = toNumber(v);
    return f !== null && pred(f);
  }

  function lookupPath(path, data, scope) {
    var dot = path.indexOf(".");
    if (dot < 0) {
      return [isPlainObject(data) ? data[path] : undefined];
    }
    var head = path.slice(0, dot), rest = path.slice(dot + 1);
    var g = isPlainObject(data) ? data[head] : undefined;
    var entries = Array.isArray(g) ? g : (isPlainObject(g) ? [g] : []);
    if (scope && scope.group === head) {
      if (scope.index < 0 || scope.index >= entries.length) {
        return [null];
      }
      entries = entries.slice(scope.index, scope.index + 1);
    }
    var out = [];
    entries.forEach(function (e) {
      if (isPlainObject(e)) {
        out = out.concat(lookupPath(rest, e, null));
      } else {
        out.push(null);
      }
    });
    return out;
  }

  /* evalCondition(cond, data, scope): does the condition hold for the form
     data? scope ({group, index}) narrows paths into that group to one entry. */
  function evalCondition(c, data, scope) {
    if (c === null || c === undefined) {
      return true;
    }
    if (Array.isArray(c.all)) {
      return c.all.every(function (s) { return evalCondition(s, data, scope); });
    }
    if (Array.isArray(c.any)) {
      return c.any.some(function (s) { return evalCondition(s, data, scope); });
    }
    if (c.not !== undefined && c.not !== null && typeof c.not === "object") {
      return !evalCondition(c.not, data, scope);
    }
    if (typeof c.field !== "string" || c.field === "") {
      return false;
    }
    var op = null;
    for (var i = 0; i < OPS.length; i++) {
      if (Object.prototype.hasOwnProperty.call(c, OPS[i])) {
        op = OPS[i];
        break;
      }
    }
    var values = lookupPath(c.field, data, scope);
    function anyOf(pred) { return values.some(pred); }
    var w = c[op];
    switch (op) {
      case "equals": return anyOf(function (v) { return equalsValue(v, w); });
      case "not_equals": return !anyOf(function (v) { return equalsValue(v, w); });
      case "in": return anyOf(function (v) { return inList(v, w); });
      case "not_in": return !anyOf(function (v) { return inList(v, w); });
      case "empty": return anyOf(function (v) { return !isEmpty(v); }) !== w;
      case "gt": return anyOf(function (v) { return compare(v, function (f) { return f > w; }); });
      case "gte": return anyOf(function (v) { return compare(v, function (f) { return f >= w; }); });
      case "lt": return anyOf(function (v) { return compare(v, function (f) { return f < w; }); });
      case "lte": return anyOf(function (v) { return compare(v, function (f) { return f <= w; }); });
    }
    return false;
  }

  /* Reading the form into the data model the server's DecodeForm builds. */

  var GROUP_NAME = /^([a-z][a-z0-9_]*)\[([0-9]+)\]\[([a-z][a-z0-9_]*)\]$/;

  function localeNumber(s, lang) {
    var t = s.trim().replace(/\s/g, "");
    if (PLAIN_NUMBER.test(t)) {
      return parseFloat(t);
    }
    var de = lang !== "en";
    var thousands = de ? "." : ",", decimal = de ? "," : ".";
    if (/^[+-]?[0-9]{1,3}([.,][0-9]{3})*([.,][0-9]+)?$/.test(t)) {
      var last = Math.max(t.lastIndexOf(","), t.lastIndexOf("."));
      var sep = t.charAt(last);
      if (sep === decimal || t.split(sep).length === 2 && t.length - last - 1 !== 3) {
        var intPart = t.slice(0, last).split(thousands).join("").split(decimal).join("");
        var f = parseFloat(intPart + "." + t.slice(last + 1));
        return isFinite(f) ? f : s;
      }
      var g = parseFloat(t.split(thousands).join(""));
      return isFinite(g) ? g : s;
    }
    return s;
  }

  function controlValue(el, lang) {
    if (el.tagName === "SELECT") {
      return el.value === "" ? undefined : el.value;
    }
    if (el.type === "file") {
      var names = [];
      for (var i = 0; i < el.files.length; i++) { names.push(el.files[i].name); }
      return names;
    }
    var v = el.value;
    if (v.trim() === "") {
      return undefined;
    }
    var mode = el.getAttribute("inputmode");
    if (mode === "decimal" || mode === "numeric") {
      return localeNumber(v, lang);
    }
    return v.trim();
  }

  /* collectData(form) returns {data, entries}: data without blank group
     entries (as the server sees it), and per group the entries in page
     order (blank ones included), for conditions of one entry. */
  function collectData(form) {
    var lang = (form.getAttribute("lang") || document.documentElement.lang || "de").slice(0, 2);
    var data = {}, groups = {}, counts = {};
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var n = els[i].name;
      if (n && n.charAt(0) !== "_" && els[i].type === "checkbox") {
        counts[n] = (counts[n] || 0) + 1;
      }
    }
    function put(target, name, el) {
      if (el.type === "checkbox") {
        var list = counts[el.form === form ? (el.name) : el.name] > 1 || el.value !== "on";
        if (list) {
          var cur = Array.isArray(target[name]) ? target[name] : [];
          if (el.checked) { cur.push(el.value); }
          target[name] = cur;
        } else {
          target[name] = el.checked;
        }
        return;
      }
      if (el.type === "radio") {
        if (el.checked) { target[name] = el.value; }
        return;
      }
      var v = controlValue(el, lang);
      if (Array.isArray(v)) {
        target[name] = (Array.isArray(target[name]) ? target[name] : []).concat(v);
      } else if (v !== undefined) {
        target[name] = v;
      }
    }
    for (var j = 0; j < els.length; j++) {
      var el = els[j];
      var name = el.name;
      if (!name || name.charAt(0) === "_" || el.type === "submit" || el.type === "button" || el.tagName === "OUTPUT") {
        continue;
      }
      var m = GROUP_NAME.exec(name);
      if (m) {
        var g = groups[m[1]] || (groups[m[1]] = {});
        var entry = g[m[2]] || (g[m[2]] = {});
        put(entry, m[3], el);
      } else {
        put(data, name.replace(/\[\]$/, ""), el);
      }
    }
    var entries = {};
    Object.keys(groups).forEach(function (gname) {
      var idx = Object.keys(groups[gname]).map(Number).sort(function (a, b) { return a - b; });
      entries[gname] = { order: idx, list: idx.map(function (k) { return groups[gname][k]; }) };
      var kept = entries[gname].list.filter(function (e) {
        return Object.keys(e).some(function (k) { return !isEmpty(e[k]); });
      });
      if (kept.length > 0) {
        data[gname] = kept;
      }
    });
    Object.keys(data).forEach(function (k) {
      if (Array.isArray(data[k]) && data[k].length === 0) { delete data[k]; }
    });
    return { data: data, entries: entries };
  }

  function parseCond(el, attr) {
    try {
      return JSON.parse(el.getAttribute(attr));
    } catch (e) {
      return null;
    }
  }

  /* holds evaluates a condition of element el: inside a group entry, paths
     into that group mean that entry. */
  function holds(cond, el, read) {
    var entryEl = el.closest("[data-group]");
    if (entryEl) {
      var group = entryEl.getAttribute("data-group");
      var info = read.entries[group];
      var index = info ? info.order.indexOf(Number(entryEl.getAttribute("data-index"))) : -1;
      var scoped = Object.assign({}, read.data);
      scoped[group] = info ? info.list : [];
      return evalCondition(cond, scoped, { group: group, index: index });
    }
    return evalCondition(cond, read.data, null);
  }

  function applyConditions(form) {
    var read = collectData(form);
    form.querySelectorAll("[data-visible-if]").forEach(function (el) {
      var c = parseCond(el, "data-visible-if");
      if (c) { el.hidden = !holds(c, el, read); }
    });
    form.querySelectorAll("[data-required-if]").forEach(function (el) {
      var c = parseCond(el, "data-required-if");
      if (!c) { return; }
      var req = holds(c, el, read);
      var marker = el.querySelector("[data-required-marker]");
      if (marker) { marker.hidden = !req; }
      el.querySelectorAll("input, select, textarea").forEach(function (ctl) {
        if (ctl.type === "hidden") { return; }
        ctl.required = req;
        if (req) { ctl.setAttribute("aria-required", "true"); } else { ctl.removeAttribute("aria-required"); }
      });
    });
  }

  /* Repeating groups */

  var TEXTS = {
    de: { remove: "Eintrag %d entfernen", entry: "Eintrag %d", removed: "Eintrag entfernt.", added: "Eintrag %d hinzugefügt." },
    en: { remove: "Remove entry %d", entry: "Entry %d", removed: "Entry removed.", added: "Entry %d added." }
  };

  function t(form, key, n) {
    var lang = (form.getAttribute("lang") || document.documentElement.lang || "de").slice(0, 2);
    var s = (TEXTS[lang] || TEXTS.de)[key];
    return s.replace("%d", String(n));
  }

  function announce(form, msg) {
    var live = form.querySelector(".vg-live");
    if (!live) {
      live = document.createElement("p");
      live.className = "vg-live vg-visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      live.hidden = false;
      form.appendChild(live);
    }
    live.textContent = msg;
  }

  function entriesOf(groupEl) {
    return Array.prototype.filter.call(groupEl.children, function (c) { return c.matches("fieldset.vg-entry"); });
  }

  function renumberLegends(form, groupEl) {
    entriesOf(groupEl).forEach(function (e, i) {
      var legend = e.querySelector("legend");
      if (legend) { legend.textContent = t(form, "entry", i + 1); }
      var btn = e.querySelector(":scope > .vg-remove");
      if (btn) { btn.textContent = t(form, "remove", i + 1); }
    });
  }

  function replaceIndex(value, group, from, to) {
    return value
      .split(group + "[" + from + "]").join(group + "[" + to + "]")
      .replace(new RegExp("f-" + group + "-" + from + "(?=-|$)", "g"), "f-" + group + "-" + to);
  }

  function addEntry(form, groupEl, addBtn) {
    var entries = entriesOf(groupEl);
    if (entries.length === 0) { return false; }
    var template = entries[entries.length - 1];
    var group = template.getAttribute("data-group");
    var from = template.getAttribute("data-index");
    var to = 0;
    entries.forEach(function (e) { to = Math.max(to, Number(e.getAttribute("data-index")) + 1); });
    var clone = template.cloneNode(true);
    clone.setAttribute("data-index", String(to));
    [clone].concat(Array.prototype.slice.call(clone.querySelectorAll("*"))).forEach(function (el) {
      ["id", "for", "name", "aria-describedby", "aria-labelledby", "value"].forEach(function (a) {
        if (!el.hasAttribute(a) || (a === "value" && el.tagName !== "BUTTON")) { return; }
        el.setAttribute(a, replaceIndex(el.getAttribute(a), group, from, to));
      });
    });
    clone.querySelectorAll(".vg-error").forEach(function (p) { p.remove(); });
    clone.querySelectorAll(".vg-field-error").forEach(function (f) { f.classList.remove("vg-field-error"); });
    clone.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    clone.querySelectorAll("input, textarea, select, output").forEach(function (el) {
      if (el.tagName === "OUTPUT") { el.textContent = ""; return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = false; return; }
      if (el.tagName === "SELECT") { el.selectedIndex = 0; return; }
      if (el.type !== "hidden") { el.value = ""; }
    });
    var old = clone.querySelector(":scope > .vg-remove");
    if (old) { old.remove(); }
    var remove = document.createElement("button");
    remove.type = "submit";
    remove.className = "vg-remove";
    remove.name = "_remove";
    remove.value = group + "[" + to + "]";
    clone.appendChild(remove);
    groupEl.insertBefore(clone, addBtn);
    renumberLegends(form, groupEl);
    var first = clone.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
    announce(form, t(form, "added", entriesOf(groupEl).length));
    return true;
  }

  function removeEntry(form, entryEl) {
    var groupEl = entryEl.parentElement;
    if (entriesOf(groupEl).length <= 1) {
      return false;
    }
    entryEl.remove();
    renumberLegends(form, groupEl);
    groupEl.focus();
    announce(form, t(form, "removed"));
    return true;
  }

  /* Forms with layout: steps show one section at a time. */

  var STEP_TEXTS = {
    de: { next: "Weiter", back: "Zurück", status: "Schritt %d von %n" },
    en: { next: "Next", back: "Back", status: "Step %d of %n" }
  };

  function setupSteps(wrap) {
    var form = wrap.querySelector("form");
    if (!form) { return; }
    var sections = Array.prototype.filter.call(form.children, function (c) { return c.matches("fieldset.vg-section"); });
    if (sections.length < 2) { return; }
    var lang = (form.getAttribute("lang") || "de").slice(0, 2);
    var tx = STEP_TEXTS[lang] || STEP_TEXTS.de;
    var current = 0;
    var withError = sections.findIndex(function (s) { return s.querySelector(".vg-field-error"); });
    if (withError >= 0) { current = withError; }
    var nav = document.createElement("div");
    nav.className = "vg-step-nav";
    var status = document.createElement("p");
    status.className = "vg-step-status";
    status.setAttribute("role", "status");
    var back = document.createElement("button");
    back.type = "button";
    back.className = "vg-remove";
    back.textContent = tx.back;
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = tx.next;
    nav.appendChild(back);
    nav.appendChild(next);
    var actions = form.querySelector(".vg-actions");
    form.insertBefore(status, sections[0]);
    form.insertBefore(nav, actions);
    function show(i, focus) {
      current = i;
      sections.forEach(function (s, k) { s.classList.toggle("vg-step-hidden", k !== i); s.hidden = k !== i; });
      back.hidden = i === 0;
      next.hidden = i === sections.length - 1;
      actions.hidden = i !== sections.length - 1;
      status.textContent = tx.status.replace("%d", String(i + 1)).replace("%n", String(sections.length));
      if (focus) {
        var legend = sections[i].querySelector("legend");
        sections[i].setAttribute("tabindex", "-1");
        sections[i].focus();
        if (legend) { legend.scrollIntoView(); }
      }
    }
    back.addEventListener("click", function () { show(current - 1, true); });
    next.addEventListener("click", function () { show(current + 1, true); });
    form.addEventListener("submit", function () {
      sections.forEach(function (s) { s.hidden = false; });
    });
    show(current, false);
  }

  function enhance(form) {
    applyConditions(form);
    form.addEventListener("input", function () { applyConditions(form); });
    form.addEventListener("change", function () { applyConditions(form); });
    form.addEventListener("click", function (ev) {
      var btn = ev.target.closest("button");
      if (!btn || btn.form !== form) { return; }
      if (btn.name === "_add") {
        var groupEl = btn.closest(".vg-group");
        if (groupEl && addEntry(form, groupEl, btn)) {
          ev.preventDefault();
          applyConditions(form);
          form.dispatchEvent(new Event("vg-entries"));
        }
      } else if (btn.name === "_remove") {
        var entryEl = btn.closest(".vg-entry");
        if (entryEl && removeEntry(form, entryEl)) {
          ev.preventDefault();
          applyConditions(form);
          form.dispatchEvent(new Event("vg-entries"));
        }
      }
    });
  }

  var FILE_TEXTS = {
    de: { size: "Die Datei %s ist größer als %l und wurde nicht übernommen. Bitte wählen Sie eine kleinere Datei.",
          count: "Bitte wählen Sie höchstens %l Dateien; die Auswahl wurde nicht übernommen.", prefix: "Fehler:" },
    en: { size: "The file %s is larger than %l and was not taken. Please choose a smaller file.",
          count: "Please choose at most %l files; the choice was not taken.", prefix: "Error:" }
  };

  function byteSize(n) {
    var mb = 1024 * 1024;
    if (n >= mb) {
      return (n % mb === 0 ? String(n / mb) : (n / mb).toFixed(1)) + " MB";
    }
    return Math.floor(n / 1024) + " KB";
  }

  // checkFiles clears a file input whose choice breaks its limits and says
  // why at the field, like the server's errors (linked by
  // aria-describedby); a valid choice removes the message again.
  function checkFiles(input) {
    var lang = (document.documentElement.lang || "de").slice(0, 2);
    var texts = FILE_TEXTS[lang] || FILE_TEXTS.de;
    var maxSize = parseInt(input.getAttribute("data-max-size"), 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var msg = "";
    var files = Array.prototype.slice.call(input.files || []);
    if (maxFiles > 0 && files.length > maxFiles) {
      msg = texts.count.replace("%l", String(maxFiles));
    }
    files.forEach(function (f) {
      if (!msg && maxSize > 0 && f.size > maxSize) {
        msg = texts.size.replace("%s", f.name).replace("%l", byteSize(maxSize));
      }
    });
    var id = input.id + "-choice-error";
    var el = document.getElementById(id);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== id; });
    if (!msg) {
      if (el) { el.remove(); }
      input.setAttribute("aria-describedby", described.join(" "));
      if (!input.closest(".vg-field-error")) { input.removeAttribute("aria-invalid"); }
      return;
    }
    input.value = "";
    if (!el) {
      el = document.createElement("p");
      el.className = "vg-error";
      el.id = id;
      el.setAttribute("role", "alert");
      input.parentNode.insertBefore(el, input);
    }
    el.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = texts.prefix;
    el.appendChild(strong);
    el.appendChild(document.createTextNode(" " + msg));
    described.unshift(id);
    input.setAttribute("aria-describedby", described.join(" "));
    input.setAttribute("aria-invalid", "true");
  }

  /* Computed fields. The server works them out — sums and compute
     scripts alike — so the page never has rules of its own: after a pause
     of COMPUTE_DELAY ms in typing, the form's controls go as JSON to the
     wrapper's data-compute address, and the answer's texts go into the
     <output>s by name. Only the newest answer counts; a failed request
     leaves the boxes as they are (the submission computes again). */

  var COMPUTE_DELAY = 300;

  function computeValues(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) {
      if (typeof v !== "string" || k.charAt(0) === "_") { return; }
      (out[k] = out[k] || []).push(v);
    });
    return out;
  }

  function outputLabel(out) {
    var label = out.id ? document.querySelector('label[for="' + out.id + '"]') : null;
    var text = label ? label.textContent.trim() : out.name;
    return text;
  }

  function setupCompute(wrap) {
    var url = wrap.getAttribute("data-compute");
    var form = wrap.querySelector("form.vg-form");
    if (!url || !form || !window.fetch || !window.FormData) { return; }
    var csrf = form.querySelector("input[name=_csrf]");
    var timer = null, latest = 0;
    function run() {
      var mine = ++latest;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf ? csrf.value : "" },
        body: JSON.stringify({ values: computeValues(form) })
      }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (ans) {
        if (!ans || mine !== latest || !Array.isArray(ans.fields)) { return; }
        var outputs = {};
        form.querySelectorAll("output[name]").forEach(function (o) { outputs[o.getAttribute("name")] = o; });
        var said = [];
        ans.fields.forEach(function (f) {
          var o = outputs[f.name];
          if (!o || o.textContent === f.text) { return; }
          o.textContent = f.text;
          if (f.text !== "" && !o.closest("[hidden]")) {
            var unit = o.id ? document.getElementById(o.id + "-unit") : null;
            said.push(outputLabel(o) + ": " + f.text + (unit ? " " + unit.textContent.trim() : ""));
          }
        });
        if (said.length > 0) { announce(form, said.join("; ")); }
      }).catch(function () { /* the submission computes again */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(run, COMPUTE_DELAY);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("vg-entries", later);
  }

  // The public articles beside a portal request form follow the summary
  // as it is typed. Without the script the page shows them after a submit
  // and offers the help centre's search.
  var SUGGEST_DELAY = 600;
  function setupSuggest(box) {
    var field = document.querySelector("#f-summary, #f-title, #f-subject");
    var list = box.querySelector("[data-kb-list]");
    if (!field || !list) { return; }
    var timer = null, last = field.value.trim();
    function run() {
      var q = field.value.trim();
      if (q === last || q.length < 3) { return; }
      last = q;
      // The form's offering goes along, so the new list is recorded in it
      // and only articles new to the form count as shown.
      var offer = list.querySelector("input[name=_kb_offer]");
      fetch(box.getAttribute("data-kb-suggest") + "&q=" + encodeURIComponent(q) +
        "&offer=" + encodeURIComponent(offer ? offer.value : "") + "&form=" + encodeURIComponent(box.getAttribute("data-kb-form") || ""),
        { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
        .then(function (html) { list.innerHTML = html; })
        .catch(function () { /* the search link still works */ });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, SUGGEST_DELAY);
    });
  }

  window.vorgang = { evalCondition: evalCondition, collectData: collectData };

  function start() {
    document.querySelectorAll("form.vg-form").forEach(enhance);
    document.querySelectorAll("[data-layout=steps]").forEach(setupSteps);
    document.querySelectorAll("[data-compute]").forEach(setupCompute);
    document.querySelectorAll("[data-kb-suggest]").forEach(setupSuggest);
    document.querySelectorAll("input[type=file][data-max-size], input[type=file][data-max-files]").forEach(function (input) {
      input.addEventListener("change", function () { checkFiles(input); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
