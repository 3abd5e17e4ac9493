// The alerts page (filters kept in the URL), one alert's page, and the alert cards the
// dashboard leads with. Each card says what rose, the rule that raised it, why this level,
// the series as a small bar chart, and the events behind it by name, linked.
"use strict";

T.ALERTS_PAGE = 20;
T.LEVELS = ["high", "medium", "low"];

T.levelTag = (level) => T.h("span", { class: "tag level-" + level }, level || "?");

// Events per week up to the week raised; the window's weeks in red, the baseline grey.
T.alertSeriesSvg = function (series) {
  if (!series || !series.length) return T.h("p", { class: "muted small" }, "No series stored.");
  const W = 360, H = 90, n = series.length, bw = Math.max(2, (W - 10) / n - 2);
  const max = Math.max(1, ...series.map((b) => b.events));
  const svg = T.svg("svg", { class: "alert-series", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": "Events per week up to the week raised" });
  series.forEach((b, i) => {
    const h = (b.events / max) * (H - 28), x = 5 + i * (bw + 2);
    svg.append(T.svg("rect", { x, y: H - 16 - h, width: bw, height: Math.max(h, 0.5),
      class: b.window ? "win" : "base" },
    T.svg("title", {}, `week of ${b.bin}: ${b.events} events, ${b.documents} documents`)));
  });
  svg.append(T.svg("text", { x: 5, y: H - 3 }, series[0].bin),
    T.svg("text", { x: W - 5, y: H - 3, "text-anchor": "end" }, series[n - 1].bin),
    T.svg("text", { x: 5, y: 10 }, "max " + max + " a week"));
  return svg;
};

T.alertTitle = function (a) {
  const what = { actor: "Actor", dyad: "Dyad", country: "Country", admin1: "Region",
    type: "Event type", mode: "Event type and mode" }[a.kind] || a.kind;
  return what + ": " + (a.label || a.series);
};

T.alertEvent = function (e) {
  const who = [(e.source_names || []).join(", ") || "—", (e.target_names || []).join(", ") || "—"];
  return T.h("li", { class: "alert-event" },
    T.eventLink(e.id, [e.date, e.type + (e.mode ? "/" + e.mode : ""), who[0] + " → " + who[1]]
      .join(" · ")),
    e.place ? T.h("span", { class: "muted small" }, " in " + e.place) : null,
    e.evidence ? T.h("div", { class: "evidence small" }, "“" + T.cut(e.evidence, 260) + "”") : null);
};

// compact: the dashboard's version (no plot, three events).
T.alertCard = function (a, compact) {
  const d = a.detail || {};
  const events = (d.events || []).slice().reverse();  // latest first
  const names = Object.fromEntries((d.actors || []).map((x) => [x.id, x.name]));
  const rate = (r) => (r === null || r === undefined) ? "—" : Number(r).toFixed(1);
  const weeks = (d.series || []).filter((b) => b.window).length;
  const figures = a.current_count + " events in " + (a.window_start || "?") + " – " + (a.window_end || "?") +
    " (" + rate(d.current_rate) + " per 100 documents) against " + a.baseline_count +
    " in the baseline (" + rate(d.baseline_rate) + " per 100 documents)";
  const body = [
    T.h("div", { class: "alert-head" }, T.levelTag(a.level), " ",
      T.h("a", { class: "alert-title", href: "/alert/" + encodeURIComponent(a.id) }, T.alertTitle(a)), " ",
      T.h("span", { class: "muted small" }, "raised week of " + a.raised +
        (a.episode_end ? ", episode closed " + a.episode_end : ", episode open"))),
    T.h("div", { class: "small figures" }, figures, weeks ? " · window " + weeks + " week(s)" : ""),
    T.h("div", { class: "small why-level" }, T.h("b", {}, "Why this level: "), d.why || "—"),
  ];
  if (!compact) {
    body.push(T.h("div", { class: "small rule" }, T.h("b", {}, "Rule: "), d.rule || d.test || "—"));
    body.push(T.h("div", { class: "small evidence-figures" }, T.h("b", {}, "Evidence: "),
      (d.evidence ? d.evidence.documents + " documents, " + d.evidence.sources + " sources" +
        (d.evidence.confidence !== null && d.evidence.confidence !== undefined ? ", confidence " + d.evidence.confidence : "") : "—"),
      d.ratio_lower ? " · rate ×" + Number(d.ratio_lower).toFixed(1) + " or more (95% sure)" : "",
      " · hostility " + (a.intensity ?? "—") + (d.baseline_intensity !== null && d.baseline_intensity !== undefined ? " (before " + d.baseline_intensity + ")" : "")));
  }
  body.push(T.h("div", { class: "small alert-actors" }, "Actors: ",
    (d.actors || []).slice(0, compact ? 4 : 12).map((x) => [T.actorLink(x.id, names),
      T.h("span", { class: "muted" }, " (" + x.role + ", " + x.events + ") ")])));
  const shown = compact ? 3 : 6;  // the rest folded away: a card stays readable
  const more = compact ? [] : events.slice(shown);
  const list = T.h("ul", { class: "alert-events" }, events.slice(0, shown).map(T.alertEvent),
    more.length ? T.h("li", { class: "more" }, T.h("details", {},
      T.h("summary", { class: "small" }, more.length + " more event" + (more.length > 1 ? "s" : "")),
      T.h("ul", { class: "alert-events" }, more.map(T.alertEvent)))) : null);
  const card = T.h("div", { class: "alert card", "data-alert": a.id, "data-level": a.level },
    compact ? body : T.h("div", { class: "alert-grid" }, T.h("div", {}, body),
      T.h("div", { class: "alert-plot" }, T.alertSeriesSvg(d.series))),
    T.h("div", { class: "small" }, T.h("b", {}, compact ? "Latest events:" : "Evidence events (" + events.length + "):")), list);
  return card;
};

T.alertsPage = async function (params) {
  const keys = ["level", "region", "type", "actor", "sort"];
  const query = Object.fromEntries(keys.map((k) => [k, (params.get(k) || "").trim()]).filter(([, v]) => v));
  const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
  let res;
  try {
    res = await T.api("/alerts", Object.assign({ limit: T.ALERTS_PAGE, offset, sort: "top" }, query));
  } catch (err) { T.show(T.h("h1", {}, "Alerts"), T.fail(err)); return; }
  const f = res.facets || { level: {}, region: {}, type: {}, actor: [] };
  const select = (name, label, options) => {
    const el = T.h("select", { name, id: "a-" + name }, T.h("option", { value: "" }, "any"),
      options.map(([v, text]) => T.h("option", { value: v }, text)));
    el.value = query[name] || "";
    return T.h("label", {}, label + " ", el);
  };
  const count = (n) => " (" + n + ")";
  const form = T.h("form", { id: "alert-filters", class: "filters" },
    select("level", "Level", T.LEVELS.map((l) => [l, l + count(f.level[l] || 0)])),
    select("region", "Region", Object.entries(f.region).map(([r, n]) => [r, r + count(n)])),
    select("type", "Event type", Object.entries(f.type).map(([t, n]) => [t, t + count(n)])),
    select("actor", "Actor", (f.actor || []).map((x) => [x.id, x.name + count(x.alerts)])),
    select("sort", "Order", [["top", "most severe first"], ["-raised", "newest first"]]),
    T.h("button", { type: "submit" }, "Apply"),
    Object.keys(query).length ? T.h("a", { href: "/alerts", id: "clear-filters" }, "clear") : null);
  form.querySelector("#a-sort").value = query.sort || "top";
  // A filter applies when chosen (no need to press Apply).
  const submit = () => {
    const qs = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim() && !(k === "sort" && v === "top")) qs.set(k, String(v).trim());
    T.go("/alerts" + (qs.toString() ? "?" + qs : ""));
  };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(); });
  form.querySelectorAll("select").forEach((s) => s.addEventListener("change", submit));
  const link = (extra) => "/alerts?" + new URLSearchParams(Object.assign({}, query, extra));
  const shown = res.items.length ? (offset + 1) + "–" + (offset + res.items.length) : "0";
  const pager = T.h("p", { id: "alerts-pager" },
    offset > 0 ? T.h("a", { href: link({ offset: Math.max(0, offset - T.ALERTS_PAGE) }) }, "← previous") : null,
    " " + shown + " of " + res.total + " ",
    offset + T.ALERTS_PAGE < res.total ? T.h("a", { id: "alerts-next", href: link({ offset: offset + T.ALERTS_PAGE }) }, "next →") : null);
  T.show(T.h("h1", {}, "Alerts"),
    T.h("p", { class: "small muted" }, "Weekly series whose rate of events rose against their baseline, " +
      "recomputed after every ingest. Severity ranks them; the level says what the rise needs to be acted on."),
    form, T.h("p", { id: "alerts-count" }, res.total + " alert" + (res.total === 1 ? "" : "s")),
    T.h("div", { id: "alert-list" }, res.items.length ? res.items.map((a) => T.alertCard(a, false))
      : T.h("p", { class: "noalerts" }, "No alerts match.")),
    pager);
};

T.alertPage = async function (id) {
  const a = await T.api("/alerts/" + encodeURIComponent(id));
  document.title = T.alertTitle(a) + " — tocsin";
  T.show(T.h("p", {}, T.h("a", { href: "/alerts" }, "← all alerts")),
    T.h("h1", {}, T.alertTitle(a)), T.alertCard(a, false),
    T.h("details", {}, T.h("summary", { class: "small" }, "the alert as stored (JSON)"),
      T.h("pre", { class: "json" }, JSON.stringify(a.detail, null, 2))));
};

// The dashboard's lead: the most severe alerts of the last 90 days of data.
T.alertsPanel = async function (stats) {
  const box = T.h("section", { class: "card", id: "alerts" },
    T.h("h2", {}, "Top alerts ", T.h("a", { class: "small", href: "/alerts", id: "all-alerts" }, "all alerts →")));
  try {
    const last = (stats.date_range || [])[1];
    let since = null;
    if (last) {
      const d = new Date(last + "T00:00:00Z");
      d.setUTCDate(d.getUTCDate() - 90);
      since = d.toISOString().slice(0, 10);
    }
    const a = await T.api("/alerts", { limit: 5, sort: "top", since });
    const job = stats.alerts_job;
    if (!a.items.length && job && (job.status === "queued" || job.status === "running")) {
      box.append(T.h("p", { class: "noalerts" }, "Alerts are being computed for this store; reload in a moment."));
    } else if (!a.available || !a.items.length) {
      box.append(T.h("p", { class: "noalerts" }, "No alerts" + (since ? " raised since " + since + " (90 days before the latest event)." : ".")));
    } else {
      box.append(T.h("p", { class: "small muted" }, a.total + " alert" + (a.total === 1 ? "" : "s") +
        " raised since " + since + "; the most severe:"));
      a.items.forEach((al) => box.append(T.alertCard(al, true)));
    }
  } catch (err) { box.append(T.fail(err)); }
  return box;
};
