// The whole store's actor network: vis-network (vendored, /vendor/vis-network/) draws
// /api/network. Pan by dragging, zoom with the wheel or the buttons; filters (dates, event
// types, actor kinds, size) reload the graph and stay in the URL; a click on an actor
// opens its page. Labels are names; ids stay in the data.
"use strict";

T.netState = null;

T.KIND_COLORS = { state: "#4d4d4d", government: "#878787", military: "#4d7c3a",
  police: "#6a8caf", militia: "#b2182b", rebel: "#d6604d", party: "#762a83",
  organization: "#8c510a", person: "#2166ac", civilians: "#e0a526", media: "#35978f",
  unknown: "#999999" };  // as in the PNG (analysis/netplot.py)
T.kindColor = (k) => T.KIND_COLORS[k] || "#999999";

// vis-network is loaded on the first visit to this page only.
T.loadVis = function () {
  if (T.visReady) return T.visReady;
  document.head.append(T.h("link", { rel: "stylesheet", href: "/vendor/vis-network/vis-network.css" }));
  T.visReady = new Promise((ok, fail) => {
    const s = T.h("script", { src: "/vendor/vis-network/vis-network.min.js" });
    s.onload = ok; s.onerror = () => fail(new Error("could not load vis-network"));
    document.head.append(s);
  });
  return T.visReady;
};

// Light red for a tie of threats and words, dark red for one of killings.
T.hostileColor = function (h) {
  const t = Math.max(0, Math.min(1, (h || 0) / 10));
  const lo = [244, 165, 130], hi = [103, 0, 31];
  return "rgb(" + lo.map((c, i) => Math.round(c + (hi[i] - c) * t)).join(",") + ")";
};

T.netFilters = function (params) {
  const list = (k) => (params.get(k) || "").split(",").filter(Boolean);
  return { since: params.get("since") || "", until: params.get("until") || "",
    types: list("type"), kinds: list("kind"), generic: params.get("generic") === "true",
    top: params.get("top") || "80", min_weight: params.get("min_weight") || "1" };
};

// The filters as query parameters: all boxes ticked means no filter (avail: null before
// the store's types and kinds are known, when the URL's lists go as they are).
T.netParams = function (f, avail) {
  const p = {};
  if (f.since) p.since = f.since;
  if (f.until) p.until = f.until;
  const some = (chosen, all) => chosen.length && (!all || chosen.length < Object.keys(all).length);
  if (some(f.types, avail && avail.types)) p.type = f.types.join(",");
  if (some(f.kinds, avail && avail.kinds)) p.kind = f.kinds.join(",");
  if (f.generic) p.generic = "true";
  if (f.top !== "80") p.top = f.top;
  if (f.min_weight !== "1") p.min_weight = f.min_weight;
  return p;
};

T.nodeTip = (n) => T.h("div", { class: "net-tip" }, T.h("b", {}, n.name),
  T.h("div", {}, [n.type, n.country].filter(Boolean).join(", ")),
  T.h("div", {}, n.events + " events (" + n.as_source + " as source, " + n.as_target +
    " as target), " + n.partners + " partners shown"),
  T.h("div", { class: "muted" }, "Click for the actor's page"));

T.edgeTip = function (e, names) {
  const a = names[e.source], b = names[e.target];
  return T.h("div", { class: "net-tip" }, T.h("b", {}, a + " — " + b),
    T.h("div", {}, e.weight + " shared events: " + e.a_on_b + " " + a + " → " + b + ", " +
      e.b_on_a + " " + b + " → " + a + ", " + e.co_acting + " on the same side"),
    e.interactions ? T.h("div", {}, "hostility " + e.hostility + " / 10") : null,
    T.h("div", { class: "muted" }, Object.entries(e.types).map(([t, n]) => t + " " + n).join(", ")));
};

T.networkPage = async function (params) {
  if (T.netState && T.netState.network) T.netState.network.destroy();
  const f = T.netFilters(params);
  const [first] = await Promise.all([T.api("/network", T.netParams(f, null)),
    T.loadVis()]);
  const avail = first.available;
  const [lo, hi] = avail.range.map((d) => d || "");
  if (!f.types.length) f.types = Object.keys(avail.types);
  if (!f.kinds.length) f.kinds = Object.keys(avail.kinds);

  const box = T.h("div", { id: "network-canvas", role: "img",
    "aria-label": "Network of actors: drag to pan, wheel to zoom, click an actor for its page" });
  const count = T.h("div", { id: "net-count", class: "muted small" });
  const left = T.h("div", { id: "net-places", class: "muted small" });
  const png = T.h("a", { id: "net-png", href: "/api/network.png", download: "tocsin-network.png" },
    "Download PNG");
  const top = T.h("ol", { id: "net-top", class: "small" });
  const date = (id, value) => T.h("input", { type: "date", id, value, min: lo, max: hi });
  const fromIn = date("net-from", f.since), toIn = date("net-to", f.until);
  const boxes = (cls, counts, chosen, color) => Object.entries(counts).map(([k, n]) =>
    T.h("label", {}, T.h("input", { type: "checkbox", class: cls, value: k,
      checked: chosen.includes(k) ? "checked" : null }),
    T.h("span", { class: "swatch", style: "background:" + color(k) }), k + " (" + n + ")"));
  const typeBoxes = boxes("net-type", avail.types, f.types, T.color);
  const kindBoxes = boxes("net-kind", avail.kinds, f.kinds, T.kindColor);
  const generic = T.h("input", { type: "checkbox", id: "net-generic", checked: f.generic ? "checked" : null });
  const topIn = T.h("input", { type: "number", id: "net-topn", min: 1, max: 500, value: f.top });
  const minIn = T.h("input", { type: "number", id: "net-min", min: 1, max: 1000, value: f.min_weight });
  const fit = T.h("button", { type: "button", id: "net-fit" }, "Fit");
  T.show(T.h("h1", {}, "Network of actors"),
    T.h("div", { class: "mapwrap" }, T.h("div", {}, box, count, left,
      T.h("p", { class: "muted small" }, "Actors who took part in the same events; a tie's " +
        "width is their shared events, red where one acted on the other (darker: more " +
        "hostile), grey where they stood on the same side. Drag to pan, wheel or buttons " +
        "to zoom; click an actor for its page. Places are never actors here."),
      T.h("h2", {}, "Most connected"), top),
    T.h("form", { class: "card controls", id: "net-filters" },
      T.h("h2", {}, "Dates"), T.h("label", {}, "From ", fromIn), T.h("label", {}, "To ", toIn),
      T.h("div", { class: "muted small" }, "Events from " + (lo || "?") + " to " + (hi || "?")),
      T.h("h2", {}, "Size"), T.h("label", {}, "Actors shown ", topIn),
      T.h("label", {}, "Ties of at least ", minIn, " events"), T.h("p", {}, fit, " ", png),
      T.h("h2", {}, "Actor kinds"), kindBoxes,
      T.h("label", {}, generic, " unnamed groups (“Iraqi protesters”)"),
      T.h("h2", {}, "Event types"), typeBoxes)));

  const nodes = new vis.DataSet(), edges = new vis.DataSet();
  const network = new vis.Network(box, { nodes, edges }, {
    nodes: { shape: "dot", borderWidth: 1, color: { border: "#ffffff" },
      font: { color: "#1d2329", strokeWidth: 3, strokeColor: "#ffffff" },
      // Labels large enough to read when the whole graph is fitted into view.
      scaling: { min: 8, max: 40, label: { enabled: true, min: 17, max: 30, drawThreshold: 6 } } },
    edges: { smooth: false, scaling: { min: 1, max: 9 } },
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 250 },
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 90, avoidOverlap: 0.5 } },
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: true,
      keyboard: { enabled: true, bindToWindow: false } },
    layout: { randomSeed: 7 } });
  const st = T.netState = { network, nodes, edges, data: null, filters: f };
  network.on("click", (p) => {
    if (!p.nodes.length) return;
    const id = p.nodes[0];
    network.destroy();
    T.go("/actor/" + encodeURIComponent(id));
  });
  // Still once laid out: the picture stays where the reader put it.
  network.on("stabilizationIterationsDone", () => {
    network.setOptions({ physics: false });
    box.dataset.ready = "1";
  });
  fit.addEventListener("click", () => network.fit());

  function draw(g) {
    st.data = g;
    const names = Object.fromEntries(g.nodes.map((n) => [n.id, n.name]));
    box.dataset.ready = "";
    box.dataset.nodes = String(g.nodes.length);
    nodes.clear(); edges.clear();
    nodes.add(g.nodes.map((n) => ({ id: n.id, label: T.cut(n.name, 32), value: n.degree,
      title: T.nodeTip(n), color: { background: T.kindColor(n.type), border: "#ffffff",
        highlight: { background: T.kindColor(n.type), border: "#1d2329" },
        hover: { background: T.kindColor(n.type), border: "#1d2329" } } })));
    edges.add(g.edges.map((e) => ({ id: e.source + "\u0000" + e.target, from: e.source,
      to: e.target, value: e.weight, title: T.edgeTip(e, names),
      color: { color: e.interactions ? T.hostileColor(e.hostility) : "#aab1b6", opacity: 0.8 } })));
    if (g.nodes.length) { network.setOptions({ physics: true }); network.stabilize(250); }
    else box.dataset.ready = "1";  // nothing to lay out: no stabilization event comes
    const t = g.totals;
    count.textContent = t.shown_actors + " actors and " + t.shown_edges + " ties shown (of " +
      t.actors + " actors and " + t.edges + " ties matching the filters)";
    left.textContent = g.places_left_out.length ? g.places_left_out.length +
      " place names taken for actors left out: " + T.cut(g.places_left_out.join(", "), 200) : "";
    top.replaceChildren(...g.nodes.slice(0, 15).map((n) => T.h("li", {},
      T.actorLink(n.id, names), T.h("span", { class: "muted" }, " " + n.type + ", " +
        n.partners + (n.partners === 1 ? " partner" : " partners")))));
    if (!g.nodes.length) top.replaceChildren(T.h("li", { class: "muted", style: "list-style:none" }, "No actors match."));
  }

  let timer = null, seq = 0;
  async function reload() {
    f.since = fromIn.value; f.until = toIn.value;
    f.types = [...document.querySelectorAll("input.net-type:checked")].map((x) => x.value);
    f.kinds = [...document.querySelectorAll("input.net-kind:checked")].map((x) => x.value);
    f.generic = generic.checked; f.top = topIn.value || "80"; f.min_weight = minIn.value || "1";
    const p = T.netParams(f, avail);
    const qs = new URLSearchParams(p).toString();
    history.replaceState({}, "", "/network" + (qs ? "?" + qs : ""));
    png.setAttribute("href", "/api/network.png" + (qs ? "?" + qs : ""));
    const mine = ++seq;
    document.body.dataset.netLoading = "1";
    try {
      // No box ticked in a group shows nothing, rather than everything.
      const g = (!f.types.length || !f.kinds.length)
        ? { nodes: [], edges: [], places_left_out: [], totals: { actors: 0, edges: 0, shown_actors: 0, shown_edges: 0 } }
        : await T.api("/network", p);
      if (mine === seq) draw(g);
    } catch (err) { count.replaceChildren(T.fail(err)); }
    if (mine === seq) delete document.body.dataset.netLoading;
  }
  document.getElementById("net-filters").addEventListener("change", () => {
    clearTimeout(timer); timer = setTimeout(reload, 200);
  });
  document.getElementById("net-filters").addEventListener("submit", (ev) => ev.preventDefault());
  png.setAttribute("href", "/api/network.png" + (location.search || ""));
  draw(first);
};
