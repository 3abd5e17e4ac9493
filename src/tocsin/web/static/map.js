// The map: Leaflet (vendored, /vendor/) over an offline Natural Earth basemap drawn as
// vector layers (no tile server). Events are grouped per place; places cluster by zoom
// (Leaflet.markercluster). A place's popup links to the event list filtered to it.
"use strict";

T.mapState = null;

// Leaflet is loaded on the first visit to the map only: other pages do not pay for it.
T.loadVendor = function () {
  if (T.vendorReady) return T.vendorReady;
  const css = (href) => document.head.append(T.h("link", { rel: "stylesheet", href }));
  const js = (src) => new Promise((ok, fail) => {
    const s = T.h("script", { src });
    s.onload = ok; s.onerror = () => fail(new Error("could not load " + src));
    document.head.append(s);
  });
  css("/vendor/leaflet/leaflet.css");
  css("/vendor/markercluster/MarkerCluster.css");
  T.vendorReady = js("/vendor/leaflet/leaflet.js")
    .then(() => js("/vendor/markercluster/leaflet.markercluster.js"));
  return T.vendorReady;
};

T.basemap = async function () {
  const get = async (name) => {
    const r = await fetch("/api/basemap/" + name);
    if (!r.ok) throw new Error("basemap " + name + ": " + r.status);
    return r.json();
  };
  const [admin0, admin1, places] = await Promise.all(["admin0", "admin1", "places"].map(get));
  return { admin0, admin1, places };
};

// Events grouped by place (or by point when no stored place): one marker each.
T.groupByPlace = function (pts) {
  const groups = new Map();
  for (const p of pts) {
    const key = p.place_id || p.lat.toFixed(4) + "," + p.lon.toFixed(4);
    let g = groups.get(key);
    if (!g) groups.set(key, g = { key, place_id: p.place_id, name: p.place || "unnamed place",
      admin1: p.admin1, country: p.country, lat: p.lat, lon: p.lon, items: [] });
    g.items.push(p);
  }
  return [...groups.values()];
};

T.placeHref = (g) => "/events?" + new URLSearchParams(g.place_id ? { place_id: g.place_id }
  : { place: g.lat + "," + g.lon, radius_km: "1" });

T.placePopup = function (g) {
  const byType = {};
  g.items.forEach((p) => { byType[p.type] = (byType[p.type] || 0) + 1; });
  const dates = g.items.map((p) => p.date).filter(Boolean).sort();
  const href = T.placeHref(g);
  return T.h("div", { class: "place-popup" },
    T.h("strong", {}, g.name),
    T.h("div", { class: "muted small" }, [g.admin1, g.country].filter(Boolean).join(", ")),
    T.h("div", {}, g.items.length + " event" + (g.items.length === 1 ? "" : "s") +
      (dates.length ? ", " + dates[0] + " – " + dates[dates.length - 1] : "")),
    T.h("div", {}, Object.entries(byType).sort((a, b) => b[1] - a[1])
      .map(([t, n]) => [T.typeTag(t), " " + n + " "])),
    // The router's link handler may not see clicks inside Leaflet's popup: go directly.
    T.h("a", { class: "place-events", href, onclick: (ev) => { ev.preventDefault(); T.go(href); } },
      "List these events →"));
};

T.mapPage = async function (params) {
  if (T.mapState && T.mapState.map) T.mapState.map.remove();
  const [data, base] = await Promise.all([T.api("/map/events", { limit: 20000 }),
    T.basemap(), T.loadVendor()]);
  const cols = data.columns;
  const pts = data.points.map((row) => Object.fromEntries(cols.map((c, i) => [c, row[i]])));
  const dated = pts.filter((p) => p.date).map((p) => p.date).sort();
  const days = dated.length ? [dated[0], dated[dated.length - 1]] : ["2000-01-01", "2000-01-01"];
  const dayNum = (s) => Math.round(Date.parse(s + "T00:00:00Z") / 86400000);
  const dayStr = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
  const lo = dayNum(days[0]), hi = dayNum(days[1]);
  const types = [...new Set(pts.map((p) => p.type))].sort();
  const st = T.mapState = { pts, types: new Set(types), from: lo, to: hi, map: null };
  if (params.get("since")) st.from = Math.max(lo, dayNum(params.get("since")));
  if (params.get("until")) st.to = Math.min(hi, dayNum(params.get("until")));

  const box = T.h("div", { id: "map", role: "region", "aria-label": "Map of events" });
  const fromIn = T.h("input", { type: "range", class: "range", id: "date-from", min: lo, max: hi, value: st.from });
  const toIn = T.h("input", { type: "range", class: "range", id: "date-to", min: lo, max: hi, value: st.to });
  const label = T.h("div", { id: "date-label" });
  const count = T.h("div", { id: "map-count", class: "muted small" });
  const onDate = () => {
    let a = +fromIn.value, b = +toIn.value;
    if (a > b) { if (document.activeElement === fromIn) b = a; else a = b; fromIn.value = a; toIn.value = b; }
    st.from = a; st.to = b; draw();
  };
  fromIn.addEventListener("input", onDate); toIn.addEventListener("input", onDate);
  const typeBoxes = types.map((t) => T.h("label", {}, T.h("input", { type: "checkbox",
    checked: "checked", value: t, class: "type-filter", onchange: (e) => {
      if (e.target.checked) st.types.add(t); else st.types.delete(t); draw(); } }),
    T.h("span", { class: "swatch", style: "background:" + T.color(t) }), t));
  T.show(T.h("h1", {}, "Map of events"),
    T.h("div", { class: "mapwrap" }, T.h("div", {}, box,
      T.h("p", { class: "muted small" }, "Drag to pan, wheel or +/− to zoom. A marker is a " +
        "place (label: name and event count); numbered circles group nearby places and " +
        "split as you zoom in. Click a place for its events. Basemap: Natural Earth.")),
    T.h("div", { class: "card controls" }, T.h("h2", {}, "Dates"), label,
      T.h("label", {}, "From", fromIn), T.h("label", {}, "To", toIn), count,
      T.h("h2", {}, "Event types"), typeBoxes)));

  // No tiles: the sea is the container's background, land and lines are SVG paths.
  const map = st.map = L.map(box, { worldCopyJump: true, minZoom: 2, maxZoom: 10,
    zoomSnap: 0.5, attributionControl: true });
  map.attributionControl.setPrefix(false);
  // Own panes (stacked in style.css) keep land under lines under towns whatever the order
  // in which layers get added: Leaflet adds them only once the map has a view.
  ["land", "lines", "towns"].forEach((p) => map.createPane(p));
  L.geoJSON(base.admin0, { interactive: false, attribution: "Natural Earth", pane: "land",
    style: { className: "ne-admin0", weight: 0.8 } }).addTo(map);
  const admin1 = L.geoJSON(base.admin1, { interactive: false, pane: "lines",
    style: { className: "ne-admin1", weight: 0.6, fill: false } });
  const towns = L.layerGroup(base.places.features.map((f) => L.circleMarker(
    [f.geometry.coordinates[1], f.geometry.coordinates[0]],
    { radius: 2, className: "ne-place", interactive: false, pane: "towns" })
    .bindTooltip(T.h("span", {}, f.properties.name), { permanent: true, direction: "right",
      className: "ne-place-label", offset: [3, 0] })));
  // Province lines and town names only when zoomed in enough to read them.
  const detail = () => {
    const z = map.getZoom();
    for (const [layer, minZ] of [[admin1, 4], [towns, 5]]) {
      if (z >= minZ && !map.hasLayer(layer)) layer.addTo(map);
      if (z < minZ && map.hasLayer(layer)) map.removeLayer(layer);
    }
  };
  map.on("zoomend", detail);

  const clusters = L.markerClusterGroup({ maxClusterRadius: 45, showCoverageOnHover: false,
    iconCreateFunction: (c) => {
      const kids = c.getAllChildMarkers().sort((a, b) => b.options.events - a.options.events);
      const n = kids.reduce((s, m) => s + m.options.events, 0);
      const size = Math.round(26 + 7 * Math.log10(n + 1) * 2);
      // Hovering names the busiest places inside; zooming in (click) shows them all.
      const names = kids.slice(0, 5).map((m) => m.options.place + " " + m.options.events)
        .join(", ") + (kids.length > 5 ? ", …" : "");
      return L.divIcon({ html: T.h("span", { title: n + " events: " + names }, String(n)),
        className: "ev-cluster", iconSize: [size, size] });
    } }).addTo(map);

  function visible() {
    return st.pts.filter((p) => st.types.has(p.type) && (!p.date ||
      (dayNum(p.date) >= st.from && dayNum(p.date) <= st.to)));
  }
  function draw() {
    label.textContent = dayStr(st.from) + " – " + dayStr(st.to);
    const shown = visible();
    count.textContent = shown.length + " of " + st.pts.length + " located events";
    const markers = T.groupByPlace(shown).map((g) => {
      const n = g.items.length;
      const byType = {};
      g.items.forEach((p) => { byType[p.type] = (byType[p.type] || 0) + 1; });
      const top = Object.entries(byType).sort((a, b) => b[1] - a[1])[0][0];
      const dot = T.h("span", { style: "background:" + T.color(top) });
      const size = Math.round(12 + 4 * Math.sqrt(Math.min(n, 100)));
      const icon = L.divIcon({ html: dot, className: "ev-place", iconSize: [size, size] });
      return L.marker([g.lat, g.lon], { icon, events: n, place: g.name,
        title: g.name + ": " + n + " events",
        keyboard: true })
        .bindTooltip(T.h("span", {}, g.name + " (" + n + ")"), { permanent: true,
          direction: "right", className: "ev-label", offset: [size / 2, 0] })
        .bindPopup(() => T.placePopup(g));
    });
    clusters.clearLayers();
    clusters.addLayers(markers);
  }
  // Fit the central 84% of events, so a stray far-away place does not zoom the map out.
  const fit = () => {
    if (!pts.length) return map.setView([20, 20], 2);
    const q = (arr, f) => arr[Math.min(arr.length - 1, Math.floor(f * arr.length))];
    const lats = pts.map((p) => p.lat).sort((a, b) => a - b);
    const lons = pts.map((p) => p.lon).sort((a, b) => a - b);
    map.fitBounds([[q(lats, 0.08), q(lons, 0.08)], [q(lats, 0.92), q(lons, 0.92)]],
      { padding: [40, 40], maxZoom: 6 });
  };
  fit();
  detail();
  draw();
};
