// tocsin web UI: helpers, router, dashboard and search. Every piece of stored text is
// put in the page with textContent (never innerHTML), so article text stays inert.
"use strict";

const T = {};  // the UI namespace shared by app.js and the page scripts

T.COLORS = { ASSAULT: "#b2182b", COERCE: "#d6604d", THREATEN: "#f4a582", PROTEST: "#e08214",
  MOBILIZE: "#8c510a", SANCTION: "#762a83", ACCUSE: "#9970ab", REJECT: "#c2a5cf",
  REQUEST: "#5aae61", CONSULT: "#1b7837", AGREE: "#2166ac", COOPERATE: "#4393c3",
  SUPPORT: "#92c5de", AID: "#35978f", CONCEDE: "#80cdc1", RETREAT: "#01665e" };
T.color = (type) => T.COLORS[type] || "#777";

// h("a", {href: x}, "text", child...): strings become text nodes, never markup.
T.h = function (tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "style") el.style.cssText = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "href") el.setAttribute("href", T.safeHref(v));
    else el.setAttribute(k, v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
};
T.svg = function (tag, attrs, ...kids) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
};
// Only same-site paths and http(s) URLs become links (no javascript: or data: URLs).
T.safeHref = function (url) {
  const s = String(url || "");
  if (s.startsWith("/") && !s.startsWith("//")) return s;
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") ? u.href : "#";
  } catch (e) { return "#"; }
};

T.api = async function (path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, x)); else qs.append(k, v);
  }
  const url = "/api" + path + (qs.toString() ? "?" + qs : "");
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) {
    let msg = r.status + " " + r.statusText;
    try { msg = (await r.json()).detail || msg; } catch (e) { /* not JSON */ }
    throw new Error(typeof msg === "string" ? msg : JSON.stringify(msg));
  }
  return r.json();
};

T.main = () => document.getElementById("main");
T.show = function (...nodes) {
  T.main().replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
};
T.fail = (err) => T.h("p", { class: "err" }, "Error: " + err.message);
T.typeTag = (type, mode) => T.h("span", { class: "tag", style: "background:" + T.color(type) },
  type + (mode ? " · " + mode : ""));
T.actorLink = (id, names) => T.h("a", { href: "/actor/" + encodeURIComponent(id) },
  (names && names[id]) || id);
T.eventLink = (id, label) => T.h("a", { href: "/event/" + encodeURIComponent(id) }, label || id);
T.date = (ev) => !ev.date_start ? "undated" :
  (ev.date_end && ev.date_end !== ev.date_start ? ev.date_start + " – " + ev.date_end : ev.date_start);
T.cut = (s, n) => !s ? "" : (s.length > n ? s.slice(0, n - 1) + "…" : s);

T.eventsTable = function (items, names) {
  const rows = items.map((ev) => T.h("tr", {},
    T.h("td", {}, T.eventLink(ev.id, T.date(ev))),
    T.h("td", {}, T.typeTag(ev.type, ev.mode)),
    T.h("td", {}, ev.place || T.h("span", { class: "muted" }, "—")),
    T.h("td", {}, (ev.sources || []).map((a) => [T.actorLink(a, names), " "]), " → ",
      (ev.targets || []).map((a) => [T.actorLink(a, names), " "])),
    T.h("td", { class: "evidence" }, T.cut(ev.evidence, 180))));
  return T.h("table", {}, T.h("thead", {}, T.h("tr", {}, ["Date", "Type", "Place",
    "Source → target", "Evidence"].map((c) => T.h("th", {}, c)))), T.h("tbody", {}, rows));
};

// ---- dashboard (its alerts panel is in alerts.js) -----------------------------------
T.dashboard = async function () {
  const [stats, recent] = await Promise.all([T.api("/stats"),
    T.api("/events", { sort: "-date", limit: 15 })]);
  const c = stats.counts;
  const statBox = (n, label) => T.h("div", { class: "stat" }, T.h("b", {}, String(n)), label);
  const byType = Object.entries(stats.events_by_type || {});
  const max = Math.max(1, ...byType.map(([, n]) => n));
  // Named actors and generic ones ("Iraqi protesters") in separate lists: crowds and
  // "forces" would otherwise fill the top of one list.
  const [actors, groups] = await Promise.all([T.api("/actors", { limit: 12, generic: false }),
    T.api("/actors", { limit: 8, generic: true })]);
  const names = Object.assign({}, recent.actor_names || {},
    Object.fromEntries([...actors.items, ...groups.items].map((a) => [a.id, a.name])));
  const actorTable = (id, items) => items.length ? T.h("table", { id }, items.map((a) => T.h("tr", {},
    T.h("td", {}, T.actorLink(a.id, names)), T.h("td", { class: "muted" }, a.type || ""),
    T.h("td", {}, String(a.n_documents) + " docs")))) : T.h("p", { class: "muted" }, "None.");
  const alerts = await T.alertsPanel(stats);  // alerts first (issue 22)
  T.show(
    T.h("h1", {}, "Dashboard"), alerts,
    T.h("div", { class: "stats" }, statBox(c.documents, "documents"),
      statBox(c.events, "events"), statBox(c.actors, "actors"), statBox(c.relations, "relations"),
      statBox((stats.date_range || []).filter(Boolean).join(" – ") || "—", "date range")),
    T.h("div", { class: "grid" },
      T.h("div", { class: "card" }, T.h("h2", {}, "Events by type"),
        T.h("table", {}, byType.map(([t, n]) => T.h("tr", {}, T.h("td", {}, T.typeTag(t)),
          T.h("td", {}, T.h("span", { class: "bar", style: "width:" + (150 * n / max) + "px;background:" + T.color(t) }), " ", String(n)))))),
      T.h("div", { class: "card" }, T.h("h2", {}, "Most reported actors"), actorTable("top-actors", actors.items),
        T.h("h2", {}, "Most reported groups (unnamed)"), actorTable("top-groups", groups.items))),
    T.h("h2", {}, "Recent events"),
    T.h("div", { id: "recent" }, T.eventsTable(recent.items, names)));
};

// ---- search ------------------------------------------------------------------------
T.searchPage = async function (q) {
  document.getElementById("search-q").value = q;
  if (!q.trim()) { T.show(T.h("h1", {}, "Search"), T.h("p", {}, "Type a name or alias.")); return; }
  const res = await T.api("/search", { q });
  T.show(T.h("h1", {}, "Actors matching “" + q + "”"),
    res.actors.length ? T.h("table", { id: "results" }, res.actors.map((a) => T.h("tr", {},
      T.h("td", {}, T.actorLink(a.id, { [a.id]: a.name })),
      T.h("td", { class: "muted" }, [a.type, a.country].filter(Boolean).join(", ")),
      T.h("td", {}, String(a.score)),
      T.h("td", { class: "small" }, "matched “" + a.matched + "”: " + (a.reasons || []).join("; ")),
      T.h("td", { class: "small muted" }, a.in_store ? "in store" : "knowledge base only"))))
      : T.h("p", {}, "No actor matches."));
};

T.onSearch = async function (ev) {
  ev.preventDefault();
  const q = document.getElementById("search-q").value.trim();
  if (!q) return;
  try {
    const res = await T.api("/search", { q });
    const top = res.actors[0];
    // A name or alias that resolves exactly goes straight to the actor.
    if (top && top.score >= 97 && (!res.actors[1] || res.actors[1].score < top.score)) {
      T.go("/actor/" + encodeURIComponent(top.id));
    } else {
      T.go("/search?q=" + encodeURIComponent(q));
    }
  } catch (err) { T.show(T.fail(err)); }
};

// ---- router ------------------------------------------------------------------------
T.go = function (path) { history.pushState({}, "", path); T.route(); };
T.route = async function () {
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  for (const a of document.querySelectorAll("[data-nav]")) {
    a.classList.toggle("active", (a.dataset.nav === "map" && path === "/map") ||
      (a.dataset.nav === "events" && path === "/events") ||
      (a.dataset.nav === "network" && path === "/network") ||
      (a.dataset.nav === "alerts" && (path === "/alerts" || path.startsWith("/alert/"))) ||
      (a.dataset.nav === "documents" && path.startsWith("/documents")) ||
      (a.dataset.nav === "dashboard" && path === "/"));
  }
  document.body.dataset.page = "loading";
  try {
    if (path === "/map") { document.title = "Map — tocsin"; await T.mapPage(params); }
    else if (path === "/network") { document.title = "Network — tocsin"; await T.networkPage(params); }
    else if (path === "/events") { document.title = "Events — tocsin"; await T.eventsPage(params); }
    else if (path === "/documents") { document.title = "Documents — tocsin"; await T.documentsPage(params); }
    else if (path.startsWith("/documents/")) { await T.documentPage(decodeURIComponent(path.slice(11))); }
    else if (path === "/alerts") { document.title = "Alerts — tocsin"; await T.alertsPage(params); }
    else if (path.startsWith("/alert/")) { await T.alertPage(decodeURIComponent(path.slice(7))); }
    else if (path.startsWith("/actor/")) {
      await T.actorPage(decodeURIComponent(path.slice(7)), params);
    } else if (path.startsWith("/event/")) {
      await T.eventPage(decodeURIComponent(path.slice(7)));
    } else if (path === "/search") { await T.searchPage(params.get("q") || ""); }
    else { document.title = "tocsin"; await T.dashboard(); }
  } catch (err) { T.show(T.fail(err)); }
  document.body.dataset.page = path === "/" ? "dashboard" : path.split("/")[1];
};

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("search").addEventListener("submit", T.onSearch);
  // Same-site links navigate inside the page (no reload).
  document.body.addEventListener("click", (ev) => {
    const a = ev.target.closest && ev.target.closest("a");
    if (!a || ev.ctrlKey || ev.metaKey || ev.button !== 0) return;
    const href = a.getAttribute("href");
    if (href && href.startsWith("/") && !href.startsWith("/docs") && !href.startsWith("/api")
        && !href.startsWith("/static")) { ev.preventDefault(); T.go(href); }
  });
  window.addEventListener("popstate", T.route);
  T.route();
});
window.T = T;
