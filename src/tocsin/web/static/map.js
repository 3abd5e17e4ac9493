// The map: an equirectangular SVG projection of our own, country outlines from the
// server, events clustered on a screen grid, filtered by type and by a date-range slider.
"use strict";

T.mapState = null;

T.mapPage = async function (params) {
  const [data, base] = await Promise.all([T.api("/map/events", { limit: 20000 }),
    T.api("/basemap").catch(() => ({ features: [] }))]);
  const pts = data.points.map((p) => ({ id: p[0], type: p[1], lat: p[2], lon: p[3],
    date: p[4], fatalities: p[5], place: p[6] }));
  const dated = pts.filter((p) => p.date).map((p) => p.date).sort();
  const days = dated.length ? [dated[0], dated[dated.length - 1]] : ["2000-01-01", "2000-01-01"];
  const dayNum = (s) => Math.round(Date.parse(s + "T00:00:00Z") / 86400000);
  const dayStr = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
  const lo = dayNum(days[0]), hi = dayNum(days[1]);
  const types = [...new Set(pts.map((p) => p.type))].sort();
  const st = T.mapState = { pts, base, types: new Set(types), from: lo, to: hi, view: null };
  if (params.get("since")) st.from = Math.max(lo, dayNum(params.get("since")));
  if (params.get("until")) st.to = Math.min(hi, dayNum(params.get("until")));

  const svg = T.svg("svg", { id: "map", role: "img", "aria-label": "Map of events" });
  const fromIn = T.h("input", { type: "range", class: "range", id: "date-from", min: lo, max: hi, value: st.from });
  const toIn = T.h("input", { type: "range", class: "range", id: "date-to", min: lo, max: hi, value: st.to });
  const label = T.h("div", { id: "date-label" });
  const count = T.h("div", { id: "map-count", class: "muted small" });
  const list = T.h("div", { id: "map-list", class: "small" });
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
    T.h("div", { class: "mapwrap" }, T.h("div", {}, svg,
      T.h("p", { class: "muted small" }, "Drag to pan, wheel to zoom. Circles group nearby events; size grows with the count, colour is the most frequent type. Outlines: ",
        base.source || "none (graticule only)", ".")),
    T.h("div", { class: "card controls" }, T.h("h2", {}, "Dates"), label,
      T.h("label", {}, "From", fromIn), T.h("label", {}, "To", toIn), count,
      T.h("h2", {}, "Event types"), typeBoxes, T.h("h2", {}, "Selected"), list)));

  // View: fit the located events (or the world), in degrees.
  const W = svg.clientWidth || 900, H = svg.clientHeight || 560;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const fit = () => {
    if (!pts.length) return { cx: 0, cy: 20, k: W / 360 };
    const lons = pts.map((p) => p.lon).sort((a, b) => a - b);
    const lats = pts.map((p) => p.lat).sort((a, b) => a - b);
    // The central 84% of points, so a stray far-away place does not zoom the map out.
    const q = (arr, f) => arr[Math.min(arr.length - 1, Math.floor(f * arr.length))];
    const x0 = q(lons, 0.08), x1 = q(lons, 0.92), y0 = q(lats, 0.08), y1 = q(lats, 0.92);
    const k = Math.min(W / Math.max(30, (x1 - x0) * 1.6), H / Math.max(18, (y1 - y0) * 1.6));
    return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, k };
  };
  st.view = fit();
  const px = (lon, lat) => [W / 2 + (lon - st.view.cx) * st.view.k, H / 2 - (lat - st.view.cy) * st.view.k];
  const gBase = T.svg("g"), gPts = T.svg("g");
  svg.append(gBase, gPts);

  function drawBase() {
    const parts = [];
    for (let lon = -180; lon <= 180; lon += 10) parts.push(T.svg("path", { class: "grat", d: line([[lon, -85], [lon, 85]]) }));
    for (let lat = -80; lat <= 80; lat += 10) parts.push(T.svg("path", { class: "grat", d: line([[-180, lat], [180, lat]]) }));
    for (const f of st.base.features || []) {
      const d = f.geometry.coordinates.map(line).join("");
      parts.push(T.svg("path", { class: f.properties.kind === "border" ? "border" : "coast", d }));
    }
    gBase.replaceChildren(...parts);
  }
  function line(coords) {
    let d = "";
    coords.forEach(([lon, lat], i) => { const [x, y] = px(lon, lat); d += (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1); });
    return d;
  }
  function visible() {
    return st.pts.filter((p) => st.types.has(p.type) && (!p.date ||
      (dayNum(p.date) >= st.from && dayNum(p.date) <= st.to)));
  }
  function draw() {
    label.textContent = dayStr(st.from) + " – " + dayStr(st.to);
    const shown = visible();
    count.textContent = shown.length + " of " + st.pts.length + " located events";
    const cell = 34, cells = new Map();
    for (const p of shown) {
      const [x, y] = px(p.lon, p.lat);
      if (x < -20 || y < -20 || x > W + 20 || y > H + 20) continue;
      const key = Math.floor(x / cell) + ":" + Math.floor(y / cell);
      let c = cells.get(key);
      if (!c) cells.set(key, c = { x: 0, y: 0, items: [] });
      c.x += x; c.y += y; c.items.push(p);
    }
    const nodes = [];
    for (const c of cells.values()) {
      const n = c.items.length, x = c.x / n, y = c.y / n;
      const byType = {};
      c.items.forEach((p) => { byType[p.type] = (byType[p.type] || 0) + 1; });
      const top = Object.entries(byType).sort((a, b) => b[1] - a[1])[0][0];
      const r = 5 + 3.2 * Math.sqrt(n);
      const title = T.svg("title", {}, n + " events: " + Object.entries(byType).map(([t, k]) => t + " " + k).join(", "));
      nodes.push(T.svg("circle", { class: "cluster", cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1),
        fill: T.color(top), "data-count": n, onclick: () => select(c.items) }, title));
      if (n > 1) nodes.push(T.svg("text", { x: x.toFixed(1), y: (y + 3.5).toFixed(1), "text-anchor": "middle" }, String(n)));
    }
    gPts.replaceChildren(...nodes);
  }
  function select(items) {
    list.replaceChildren(T.h("ul", {}, items.slice(0, 50).map((p) => T.h("li", {},
      T.eventLink(p.id, (p.date || "undated") + " " + p.type), " ", p.place || ""))));
  }
  function redraw() { drawBase(); draw(); }
  // Pan and zoom.
  let drag = null;
  svg.addEventListener("pointerdown", (e) => {
    if (e.target.classList && e.target.classList.contains("cluster")) return;
    drag = [e.clientX, e.clientY]; svg.setPointerCapture(e.pointerId); });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const s = W / svg.getBoundingClientRect().width;
    st.view.cx -= (e.clientX - drag[0]) * s / st.view.k; st.view.cy += (e.clientY - drag[1]) * s / st.view.k;
    drag = [e.clientX, e.clientY]; redraw();
  });
  svg.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("wheel", (e) => {
    e.preventDefault(); st.view.k = Math.min(400, Math.max(1, st.view.k * (e.deltaY < 0 ? 1.25 : 0.8))); redraw();
  }, { passive: false });
  redraw();
};
