// The curator's dashboard: a Telegram Mini App. Every API call carries Telegram's signed
// initData (Authorization: tma …); the server checks it and the curator's rights on each call.
// Everything from the server is inserted as text (textContent), never as HTML.
"use strict";

(function () {
  const API = "api";
  const TABS = ["overview", "registry", "pairs", "calendar", "monitoring", "roadmap"];
  const state = { initData: "", texts: {}, labels: {}, locale: "ru", programmes: [],
                  programme: null, tab: "overview", registry: { q: "", role: "", state: "",
                  form: "", sort: "name", dir: "asc" }, calendar: { span: "week", date: "" } };

  // -- launch parameters ----------------------------------------------------------------------
  function launchParams() {
    const hash = new URLSearchParams(location.hash.slice(1));
    const tg = window.Telegram && window.Telegram.WebApp;
    return {
      initData: (tg && tg.initData) || hash.get("tgWebAppData") || "",
      theme: (tg && tg.themeParams && Object.keys(tg.themeParams).length && tg.themeParams)
        || safeJson(hash.get("tgWebAppThemeParams")) || {},
    };
  }
  function safeJson(text) { try { return text ? JSON.parse(text) : null; } catch (e) { return null; } }
  function applyTheme(theme) {
    for (const [key, value] of Object.entries(theme || {})) {
      if (/^#[0-9a-fA-F]{3,8}$/.test(String(value))) {
        document.documentElement.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    }
  }
  function guessLocale(initData) {
    const user = safeJson(new URLSearchParams(initData).get("user"));
    const code = ((user && user.language_code) || navigator.language || "ru").slice(0, 2);
    return code === "en" ? "en" : "ru";
  }
  function telegramLoaded() {
    const tg = window.Telegram && window.Telegram.WebApp;
    if (!tg || telegramLoaded.done) return;
    telegramLoaded.done = true;
    tg.ready(); tg.expand();
    applyTheme(tg.themeParams);
    tg.onEvent("themeChanged", () => applyTheme(tg.themeParams));
  }
  telegramLoaded();  // already there (cached), or when it arrives:
  const script = document.getElementById("telegram-script");
  if (script) script.addEventListener("load", telegramLoaded);

  // -- helpers --------------------------------------------------------------------------------
  function t(key, params) {
    let text = state.texts[key] || key;
    for (const [name, value] of Object.entries(params || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "testid") node.dataset.testid = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function date(iso) {
    if (!iso) return "—";
    const [y, m, d] = iso.split("-");
    return `${d}.${m}.${y}`;
  }
  function share(value) { return value === null || value === undefined ? "—" : Math.round(value * 100) + "%"; }
  function score(value) { return value === null || value === undefined ? "—" : Number(value).toFixed(1); }
  function label(group, key) { return (state.labels[group] || {})[key] || key; }
  function toast(text) {
    const node = document.getElementById("toast");
    node.textContent = text; node.hidden = false;
    clearTimeout(toast.timer); toast.timer = setTimeout(() => { node.hidden = true; }, 3500);
  }

  class ApiError extends Error {
    constructor(status, body) { super("HTTP " + status); this.status = status; this.body = body; }
  }
  async function call(path, options) {
    const response = await fetch(`${API}/${path}`, Object.assign({
      headers: { Authorization: "tma " + state.initData }, cache: "no-store" }, options || {}));
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }
  function programmePath(view, query) {
    const search = query ? "?" + new URLSearchParams(query).toString() : "";
    return `programmes/${state.programme}/${view}${search}`;
  }

  const view = () => document.getElementById("view");
  function show(...nodes) { view().replaceChildren(...nodes.flat(Infinity).filter((n) => n)); }
  function showError(error) {
    const key = error.status === 401 ? "dash.error.unauthorized"
      : error.status === 403 ? "dash.error.forbidden"
      : (error.body && error.body.message) ? null : "dash.error.network";
    show(el("div", { class: "card error", testid: "error", "data-status": error.status || 0 },
            key ? t(key) : error.body.message),
         error.status === 401 || error.status === 403 ? null
           : el("button", { class: "flat", onclick: render }, t("dash.retry")));
  }

  // -- start ----------------------------------------------------------------------------------
  async function start() {
    const params = launchParams();
    applyTheme(params.theme);
    state.initData = params.initData;
    try {
      const session = await call("session");
      Object.assign(state, { texts: session.texts, labels: session.labels, locale: session.locale,
                             programmes: session.programmes });
    } catch (error) {
      // Texts for the refusal in the language the person's Telegram uses.
      const locale = guessLocale(state.initData);
      try {
        const texts = await (await fetch(`texts/${locale}`)).json();
        state.texts = texts.texts; state.locale = texts.locale;
      } catch (e) { /* the keys themselves then */ }
      document.documentElement.lang = state.locale;
      document.getElementById("title").textContent = t("dash.title");
      showError(error);
      return;
    }
    document.documentElement.lang = state.locale;
    document.title = t("dash.title");
    const wanted = Number(new URLSearchParams(location.search).get("programme"));
    const known = state.programmes.map((p) => p.id);
    state.programme = known.includes(wanted) ? wanted : known[0];
    buildHeader();
    render();
  }

  function buildHeader() {
    const select = document.getElementById("programme");
    select.replaceChildren(...state.programmes.map((p) =>
      el("option", { value: p.id, selected: p.id === state.programme }, `${p.title} (${p.state})`)));
    select.hidden = state.programmes.length < 2;
    select.onchange = () => { state.programme = Number(select.value); render(); };
    const tabs = document.getElementById("tabs");
    tabs.replaceChildren(...TABS.map((tab) => el("button", {
      role: "tab", testid: "tab-" + tab, "aria-selected": String(tab === state.tab),
      onclick: () => { state.tab = tab; render(); } }, t("dash.tab." + tab))));
    tabs.hidden = false;
  }

  async function render() {
    for (const button of document.querySelectorAll("#tabs button")) {
      button.setAttribute("aria-selected", String(button.dataset.testid === "tab-" + state.tab));
    }
    const programme = state.programmes.find((p) => p.id === state.programme);
    document.getElementById("title").textContent = programme ? programme.title : t("dash.title");
    show(el("p", { class: "hint" }, t("dash.loading")));
    const tab = state.tab;
    try {
      const nodes = await RENDER[tab]();
      if (state.tab === tab) { show(...nodes); view().dataset.ready = tab; }
    } catch (error) {
      if (state.tab === tab) showError(error);
    }
  }

  // -- overview (the figures of /status) ------------------------------------------------------
  function tile(testid, number, caption, warn) {
    return el("div", { class: "tile" + (warn ? " warn" : ""), testid },
              el("div", { class: "n" }, number), el("div", { class: "l" }, caption));
  }
  async function overview() {
    const f = await call(programmePath("overview"));
    const risk = f.at_risk.length;
    const tiles = el("div", { class: "tiles" },
      tile("ov-mentors", f.active.mentor, t("dash.ov.mentors")),
      tile("ov-mentees", f.active.mentee, t("dash.ov.mentees")),
      tile("ov-paired", `${f.paired} · ${share(f.paired_share)}`, t("dash.ov.paired")),
      tile("ov-open-pairs", f.open_pairs, t("dash.ov.open_pairs")),
      tile("ov-meetings", f.meetings_this_week,
           `${t("dash.ov.meetings_week")} (${t("dash.ov.meetings_last", { n: f.meetings_last_week })})`),
      tile("ov-feedback", `${score(f.feedback_avg)}${f.trend ? " " + f.trend : ""}`, t("dash.ov.feedback")),
      tile("ov-cadence", share(f.cadence_share), t("dash.ov.cadence")),
      tile("ov-at-risk", risk, t("dash.ov.at_risk", { days: f.cadence_days }), risk > 0),
      tile("ov-overdue", f.roadmap_overdue, t("dash.ov.overdue"), f.roadmap_overdue > 0),
      tile("ov-outstanding", f.feedback_outstanding, t("dash.ov.outstanding")));
    const stages = el("div", { class: "card" }, el("h2", {}, t("dash.ov.by_stage")),
      el("ul", { class: "plain", testid: "ov-stages" }, Object.entries(f.pairs_by_stage).map(
        ([stage, n]) => el("li", { "data-stage": stage }, `${label("stage", stage)}: `, el("b", {}, n)))));
    const riskCard = el("div", { class: "card" }, el("h2", {}, t("dash.ov.at_risk", { days: f.cadence_days })),
      risk ? el("ul", { class: "plain", testid: "ov-risk-list" }, f.at_risk.map((p) =>
        el("li", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); openPair(p.pair_id); } },
                        `${p.mentor} — ${p.mentee}`), " ", el("span", { class: "tag risk" },
                        t("dash.pairs.days", { n: p.days_without })))))
        : el("p", { class: "hint" }, t("dash.ov.none")));
    const unreachable = el("div", { class: "card" }, el("h2", {}, t("dash.ov.unreachable")),
      el("p", { testid: "ov-unreachable" }, f.unreachable.length ? f.unreachable.join(", ") : t("dash.ov.none")),
      f.failed_deliveries ? el("p", { class: "hint" }, `${t("dash.ov.failed")}: ${f.failed_deliveries}`) : null);
    return [el("p", { class: "hint" }, t("dash.ov.as_of", { date: date(f.today) })), tiles, stages, riskCard, unreachable];
  }

  // -- registry -------------------------------------------------------------------------------
  const COLUMNS = [["name", "dash.reg.name"], ["role", "dash.reg.role"], ["state", "dash.reg.state"],
                   ["form", "dash.reg.form"], ["created", "dash.reg.created"]];
  async function registry() {
    const q = state.registry;
    const data = await call(programmePath("registry", q));
    const options = (group, all, value) => [el("option", { value: "" }, t(all)),
      ...Object.entries(state.labels[group]).map(([key, text]) => el("option", { value: key, selected: key === value }, text))];
    const search = el("input", { type: "search", value: q.q, placeholder: t("dash.reg.search"),
                                 testid: "reg-search", maxlength: 100 });
    search.addEventListener("input", () => {
      clearTimeout(registry.timer);
      registry.timer = setTimeout(() => { q.q = search.value; refreshRegistry(); }, 300);
    });
    const pick = (name, node) => { node.addEventListener("change", () => { q[name] = node.value; refreshRegistry(); }); return node; };
    const filters = el("div", { class: "row" }, search,
      pick("role", el("select", { testid: "reg-role" }, options("role", "dash.reg.all_roles", q.role))),
      pick("state", el("select", { testid: "reg-state" }, options("state", "dash.reg.all_states", q.state))),
      pick("form", el("select", { testid: "reg-form" }, el("option", { value: "" }, t("dash.reg.all_forms")),
        data.forms.map((f) => el("option", { value: f.id, selected: f.id === q.form }, f.title)))));
    const head = el("tr", {}, COLUMNS.map(([key, text]) => el("th", {
      "data-sort": key, "aria-sort": q.sort === key ? (q.dir === "asc" ? "ascending" : "descending") : null,
      onclick: () => { q.dir = q.sort === key && q.dir === "asc" ? "desc" : "asc"; q.sort = key; refreshRegistry(); },
    }, t(text))));
    const rows = data.rows.map((r) => el("tr", { "data-id": r.id },
      el("td", { class: "name" }, r.name,
         r.unreachable ? el("div", {}, el("span", { class: "tag risk" }, t("dash.reg.unreachable"))) : null,
         !r.profile_complete && r.state !== "withdrawn" ? el("div", {}, el("span", { class: "tag" }, t("dash.reg.no_profile"))) : null),
      el("td", {}, label("role", r.role)), el("td", {}, label("state", r.state)),
      el("td", { class: "form" }, r.form_title || "—"), el("td", {}, date(r.created_on))));
    return [filters,
      el("p", { class: "hint", testid: "reg-count", "data-matched": data.matched, "data-total": data.total },
         t("dash.reg.count", { shown: data.shown, matched: data.matched, total: data.total })),
      el("div", { class: "table-wrap" }, el("table", { testid: "reg-table" }, el("thead", {}, head),
        el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: 5, class: "hint" }, t("dash.reg.empty"))))))];
  }
  async function refreshRegistry() {
    const focused = document.activeElement && document.activeElement.dataset.testid;
    await render();
    if (focused === "reg-search") {
      const input = document.querySelector('[data-testid="reg-search"]');
      if (input) { input.focus(); input.setSelectionRange(input.value.length, input.value.length); }
    }
  }

  // -- pairs board ------------------------------------------------------------------------------
  async function pairs() {
    const data = await call(programmePath("board"));
    const columns = data.columns.map((column) => el("section", { class: "column", testid: "stage-" + column.stage,
        "data-count": column.pairs.length },
      el("h2", {}, `${label("stage", column.stage)} · ${column.pairs.length}`),
      column.pairs.length ? column.pairs.map((p) => el("button", {
        class: "pair" + (p.at_risk ? " risk" : ""), testid: "pair-" + p.id, "data-risk": String(p.at_risk),
        onclick: () => openPair(p.id) },
        el("div", { class: "who" }, `${p.mentor} — ${p.mentee}`),
        el("div", { class: "meta" },
           p.last_meeting_on ? t("dash.pairs.last", { date: date(p.last_meeting_on) }) : t("dash.pairs.never"),
           " · ", t("dash.pairs.meetings", { n: p.meetings }),
           p.goals_total ? " · " + t("dash.pairs.goals", { done: p.goals_done, total: p.goals_total }) : ""),
        el("div", {},
           p.at_risk ? el("span", { class: "tag risk" }, t("dash.pairs.risk")) : null,
           p.days_without !== null ? el("span", { class: "tag" }, t("dash.pairs.days", { n: p.days_without })) : null,
           p.state !== "active" ? el("span", { class: "tag" }, label("pair_state", p.state)) : null)))
        : el("p", { class: "hint" }, t("dash.pairs.empty"))));
    return [el("p", { class: "hint", testid: "pairs-count", "data-total": data.total, "data-risk": data.at_risk },
               t("dash.pairs.count", { total: data.total, risk: data.at_risk })),
            el("div", { class: "board" }, columns)];
  }

  async function openPair(pairId) {
    const dialog = document.getElementById("pair-dialog");
    let p;
    try { p = await call(programmePath(`pairs/${pairId}`)); } catch (error) {
      toast(error.body && error.body.message ? error.body.message : t("dash.error.forbidden")); return;
    }
    const nudge = el("button", { testid: "pair-nudge", disabled: !p.can_nudge, onclick: async () => {
      nudge.disabled = true;
      try { toast((await call(programmePath(`pairs/${p.id}/nudge`), { method: "POST" })).message); }
      catch (error) { toast(error.body && error.body.message ? error.body.message : t("dash.error.network")); }
      finally { nudge.disabled = !p.can_nudge; }
    } }, t("dash.pair.nudge"));
    const row = (key, value) => [el("dt", {}, t(key)), el("dd", {}, value)];
    dialog.replaceChildren(
      el("h2", { testid: "pair-title" }, `${p.mentor} — ${p.mentee}`),
      el("dl", {}, row("dash.pair.form", p.form), row("dash.pair.stage", label("stage", p.stage)),
         row("dash.pair.state", label("pair_state", p.state)), row("dash.pair.since", date(p.created_on)),
         row("dash.pair.meetings", p.meetings), row("dash.pair.last", date(p.last_meeting_on)),
         row("dash.pair.score", score(p.last_score)), row("dash.pair.goals", `${p.goals_done} / ${p.goals_total}`),
         row("dash.pair.match", score(p.match_score))),
      p.at_risk ? el("p", { class: "error" }, t("dash.pairs.days", { n: p.days_without })) : null,
      el("div", { class: "row" }, nudge, el("button", { class: "flat", onclick: () => dialog.close() }, t("dash.pair.close"))));
    dialog.showModal();
  }

  // -- meetings calendar ------------------------------------------------------------------------
  function shift(iso, span, step) {
    const d = new Date(iso + "T12:00:00Z");
    if (span === "month") d.setUTCMonth(d.getUTCMonth() + step, 1); else d.setUTCDate(d.getUTCDate() + 7 * step);
    return d.toISOString().slice(0, 10);
  }
  async function calendar() {
    const c = state.calendar;
    const data = await call(programmePath("calendar", c.date ? { span: c.span, date: c.date } : { span: c.span }));
    const go = (changes) => { Object.assign(c, changes); render(); };
    const controls = el("div", { class: "row" },
      ["week", "month"].map((span) => el("button", { class: span === c.span ? "" : "flat", testid: "cal-" + span,
        onclick: () => go({ span }) }, t("dash.cal." + span))),
      el("button", { class: "flat", testid: "cal-prev", "aria-label": t("dash.cal.prev"), onclick: () => go({ date: shift(data.first, c.span, -1) }) }, "‹"),
      el("button", { class: "flat", testid: "cal-today", onclick: () => go({ date: "" }) }, t("dash.cal.today")),
      el("button", { class: "flat", testid: "cal-next", "aria-label": t("dash.cal.next"), onclick: () => go({ date: shift(data.first, c.span, 1) }) }, "›"));
    const byDay = {};
    for (const m of data.meetings) (byDay[m.day] = byDay[m.day] || []).push(m);
    // The grid: whole weeks around the span, Monday first.
    const first = new Date(data.first + "T12:00:00Z"), last = new Date(data.last + "T12:00:00Z");
    first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7));
    const cells = state.labels.weekday.map((d) => el("div", { class: "head" }, d));
    for (const d = new Date(first); d <= last || d.getUTCDay() !== 1; d.setUTCDate(d.getUTCDate() + 1)) {
      const iso = d.toISOString().slice(0, 10);
      const count = (byDay[iso] || []).length;
      cells.push(el("div", { class: "day" + (iso < data.first || iso > data.last ? " out" : "") + (iso === data.today ? " today" : ""),
                             "data-day": iso, "data-count": count },
        el("div", { class: "d" }, String(d.getUTCDate())), count ? el("div", { class: "c" }, count) : null));
    }
    const agenda = Object.keys(byDay).sort().map((day) => el("div", { class: "card", "data-day": day },
      el("h2", {}, date(day)), el("ul", { class: "plain" }, byDay[day].map((m) => el("li", { "data-state": m.state },
        el("b", {}, m.time), " ", `${m.mentor} — ${m.mentees.join(", ")}`, el("br"),
        el("span", { class: "tag" }, label("kind", m.kind)), el("span", { class: "tag" + (m.state === "missed" ? " risk" : "") }, label("meeting_state", m.state)))))));
    return [controls,
      el("p", { class: "hint", testid: "cal-range", "data-first": data.first, "data-last": data.last }, `${date(data.first)} — ${date(data.last)}`),
      el("p", { testid: "cal-counts", "data-done": data.counts.done, "data-planned": data.counts.planned, "data-total": data.counts.total },
         t("dash.cal.counts", data.counts)),
      el("div", { class: "grid" }, cells),
      agenda.length ? agenda : el("p", { class: "hint" }, t("dash.cal.empty"))];
  }

  // -- monitoring -------------------------------------------------------------------------------
  function bar(part, whole) {
    const width = whole ? Math.round((100 * part) / whole) : 0;
    const fill = el("span");
    fill.style.width = width + "%";  // CSSOM, not a style attribute: the page's CSP allows it
    return el("div", { class: "bar" }, fill);
  }
  function chart(weeks) {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    const shown = weeks.slice(-16), W = 320, H = 150, pad = 16;
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`); svg.setAttribute("class", "chart");
    svg.dataset.testid = "mon-chart";
    const most = Math.max(1, ...shown.map((w) => w.meetings));
    const step = (W - pad) / Math.max(1, shown.length);
    const points = [];
    shown.forEach((w, i) => {
      const h = ((H - 2 * pad) * w.meetings) / most;
      const rect = document.createElementNS(NS, "rect");
      Object.entries({ x: pad + i * step + 2, y: H - pad - h, width: Math.max(2, step - 4), height: h, class: "b" })
        .forEach(([k, v]) => rect.setAttribute(k, v));
      rect.dataset.meetings = w.meetings;
      const title = document.createElementNS(NS, "title");
      title.textContent = `${date(w.week_start)}: ${w.meetings} ${t("dash.mon.meetings")}, ${t("dash.mon.score")} ${score(w.avg)}`;
      rect.append(title); svg.append(rect);
      if (w.avg !== null) points.push(`${pad + i * step + step / 2},${H - pad - ((H - 2 * pad) * w.avg) / 10}`);
      if (i % 4 === 0) {
        const text = document.createElementNS(NS, "text");
        text.setAttribute("x", pad + i * step); text.setAttribute("y", H - 3);
        text.textContent = date(w.week_start).slice(0, 5); svg.append(text);
      }
    });
    if (points.length > 1) {
      const line = document.createElementNS(NS, "polyline");
      line.setAttribute("points", points.join(" ")); line.setAttribute("class", "line"); svg.append(line);
    }
    return svg;
  }
  async function monitoring() {
    const m = await call(programmePath("monitoring"));
    const surveys = el("div", { class: "card" }, el("h2", {}, t("dash.mon.surveys")),
      m.surveys.length ? el("ul", { class: "plain", testid: "mon-surveys" }, m.surveys.map((s) => {
        const remind = el("button", { class: "flat", testid: "remind-" + s.kind, disabled: s.waiting === 0,
          onclick: async () => {
            remind.disabled = true;
            try { toast((await call(programmePath(`surveys/${s.kind}/remind`), { method: "POST" })).message); }
            catch (error) { toast(error.body && error.body.message ? error.body.message : t("dash.error.network")); }
          } }, t("dash.mon.remind"));
        return el("li", { "data-kind": s.kind, "data-sent": s.sent, "data-answered": s.answered },
          el("b", {}, label("survey", s.kind)), " ", t("dash.mon.answered", s), bar(s.answered, s.sent),
          s.waiting ? remind : null);
      })) : el("p", { class: "hint" }, t("dash.mon.no_surveys")));
    const feedback = el("div", { class: "card", testid: "mon-feedback", "data-done": m.feedback_completed, "data-expected": m.feedback_expected },
      el("h2", {}, t("dash.mon.feedback")),
      el("p", {}, t("dash.mon.feedback_done", { done: m.feedback_completed, expected: m.feedback_expected }), ` (${share(m.feedback_completion)})`),
      bar(m.feedback_completed, m.feedback_expected));
    const weekly = el("div", { class: "card" }, el("h2", {}, t("dash.mon.chart")), chart(m.weeks),
      el("p", { class: "hint" }, `▮ ${t("dash.mon.meetings")} · ─ ${t("dash.mon.score")} (1–10)`));
    const forms = el("div", { class: "card" }, el("h2", {}, t("dash.mon.by_form")),
      m.avg_by_form.length ? el("ul", { class: "plain" }, m.avg_by_form.map((f) => el("li", {}, `${f.form}: `, el("b", {}, score(f.avg)))))
        : el("p", { class: "hint" }, t("dash.ov.none")));
    return [surveys, feedback, weekly, forms];
  }

  // -- roadmap timeline -------------------------------------------------------------------------
  async function roadmap() {
    const r = await call(programmePath("roadmap"));
    if (!r.items.length) return [el("p", { class: "hint", testid: "rm-empty" }, t("dash.rm.empty"))];
    const nodes = [];
    let marked = false;
    for (const item of r.items) {
      const when = item.next_date || item.ends_on;
      if (!marked && when && when >= r.today) {
        nodes.push(el("div", { class: "now" }, `● ${t("dash.rm.today")} ${date(r.today)}`)); marked = true;
      }
      nodes.push(el("div", { class: "item " + item.bucket, "data-bucket": item.bucket, "data-id": item.id },
        el("div", { class: "when" }, item.deadline || date(when), " · ", label("bucket", item.bucket)),
        el("div", {}, item.label),
        item.responsible ? el("div", { class: "hint" }, t("dash.rm.responsible", { who: item.responsible })) : null));
    }
    return [el("p", { class: "hint", testid: "rm-counts", "data-overdue": r.counts.overdue }, t("dash.rm.counts", r.counts)),
            el("div", { class: "timeline" }, nodes)];
  }

  const RENDER = { overview, registry, pairs, calendar, monitoring, roadmap };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
