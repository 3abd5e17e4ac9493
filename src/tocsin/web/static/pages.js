// Actor and event pages.
"use strict";

T.actorPage = async function (id, params) {
  const at = params.get("at") || "";
  const prof = await T.api("/actors/" + encodeURIComponent(id), { max_events: 50 });
  // The actor's most severe alerts (an alert is its actor's when it acted in its events).
  const alerts = await T.api("/alerts", { actor: prof.id, sort: "top", limit: 3 })
    .catch(() => ({ items: [], total: 0 }));
  document.title = prof.name + " — tocsin";
  const names = Object.assign({}, prof.actor_names || {}, { [prof.id]: prof.name });
  const net = T.h("div", { id: "network" });
  const dateIn = T.h("input", { type: "date", id: "network-date", value: at });
  const loadNet = async () => {
    try {
      const g = await T.api("/actors/" + encodeURIComponent(prof.id) + "/network", { at: dateIn.value || null });
      net.replaceChildren(T.networkSvg(g));
    } catch (err) { net.replaceChildren(T.fail(err)); }
  };
  dateIn.addEventListener("change", loadNet);
  const roles = (prof.roles || []).map((r) => T.h("tr", {}, T.h("td", {}, r.type.replace(/_/g, " ")),
    T.h("td", {}, T.actorLink(r.object, names)), T.h("td", {}, r.start || "?"), T.h("td", {}, r.end || (r.start ? "present" : "?"))));
  const links = [...(prof.parents || []).map((p) => ["part of", p]), ...(prof.allies || []).map((p) => ["allied with", p])]
    .map(([k, p]) => T.h("tr", {}, T.h("td", {}, k), T.h("td", {}, T.actorLink(p, names)), T.h("td", {}, ""), T.h("td", {}, "")));
  const rels = (prof.relations || []).map((r) => T.h("tr", {}, T.h("td", {}, r.type.replace(/_/g, " ")),
    T.h("td", {}, T.actorLink(r.subject, names), " → ", T.actorLink(r.object, names)),
    T.h("td", { class: "evidence", colspan: 2 }, T.cut(r.evidence, 200), " ",
      T.h("span", { class: "muted small" }, "(" + r.n_reports + " report" + (r.n_reports > 1 ? "s" : "") + ")"))));
  const designations = (prof.designations || []).map((d) => T.h("tr", {}, T.h("td", {}, d.authority),
    T.h("td", {}, d.programme || ""), T.h("td", {}, d.date || "")));
  T.show(
    T.h("h1", { id: "actor-name" }, prof.name),
    T.h("p", {}, T.h("span", { class: "tag" }, prof.type || "unknown"), " ", prof.country || "",
      " ", prof.in_kb ? T.h("span", { class: "muted small" }, "in knowledge base") : T.h("span", { class: "muted small" }, "not in knowledge base"),
      " · ", String(prof.n_events), " events"),
    prof.description ? T.h("p", {}, prof.description) : null,
    T.h("h2", {}, "Aliases"), T.h("div", { id: "aliases" }, (prof.aliases || []).map((a) => T.h("span", { class: "chip" }, a))),
    T.h("div", { class: "grid" },
      T.h("div", { class: "card" }, T.h("h2", {}, "Affiliations over time"),
        roles.length + links.length + rels.length ? T.h("table", { id: "affiliations" }, T.h("tr", {},
          ["Relation", "With", "From", "Until"].map((c) => T.h("th", {}, c))), roles, links, rels)
          : T.h("p", { class: "muted" }, "None known.")),
      T.h("div", { class: "card" }, T.h("h2", {}, "Designations"),
        designations.length ? T.h("table", { id: "designations" }, T.h("tr", {}, ["Authority", "Programme", "Date"].map((c) => T.h("th", {}, c))), designations)
          : T.h("p", { class: "muted" }, "None recorded."),
        (prof.kb_sources || []).length ? T.h("p", { class: "small muted" }, "Sources: ",
          prof.kb_sources.map((u) => [T.h("a", { href: u, rel: "noopener noreferrer" }, u), " "])) : null)),
    alerts.items.length ? T.h("section", { id: "actor-alerts" }, T.h("h2", {}, "Alerts (" + alerts.total + ") ",
      T.h("a", { class: "small", href: "/alerts?actor=" + encodeURIComponent(prof.id) }, "all →")),
    alerts.items.map((a) => T.alertCard(a, true))) : null,
    T.h("h2", {}, "Network ", T.h("label", { class: "small muted" }, " on date ", dateIn)), net,
    T.h("h2", {}, "Timeline"), T.timelineSvg(prof.timeline || []),
    T.h("h2", {}, "Events (latest " + prof.events.length + " of " + prof.n_events + ")"),
    prof.events.length ? T.eventsTable(prof.events, names) : T.h("p", { class: "muted" }, "No events."));
  await loadNet();
};

T.networkSvg = function (g) {
  const W = 900, H = 420, cx = W / 2, cy = H / 2;
  const others = g.nodes.filter((n) => !n.centre);
  const pos = { [g.actor]: [cx, cy] };
  others.forEach((n, i) => {
    const ring = others.length > 16 && i % 2 ? 0.62 : 1;
    const a = (2 * Math.PI * i) / Math.max(1, others.length);
    pos[n.id] = [cx + Math.cos(a) * 390 * ring, cy + Math.sin(a) * 175 * ring];
  });
  const svg = T.svg("svg", { class: "net", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Actor network" });
  for (const e of g.edges) {
    const a = pos[e.source], b = pos[e.target];
    if (!a || !b) continue;
    svg.append(T.svg("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], class: e.origin,
      "stroke-width": Math.min(5, 1 + Math.log2(e.weight || 1)) },
      T.svg("title", {}, e.type + (e.start || e.end ? ` (${e.start || "?"}–${e.end || ""})` : "") + (e.weight ? `, ${e.weight}` : ""))));
  }
  const typeColor = { person: "#2166ac", militia: "#b2182b", state: "#555", government: "#777",
    military: "#4d7c3a", rebel: "#d6604d", organization: "#8c510a", party: "#762a83" };
  for (const n of g.nodes) {
    const [x, y] = pos[n.id];
    const link = T.svg("a", { href: "/actor/" + encodeURIComponent(n.id) },
      T.svg("circle", { cx: x, cy: y, r: n.centre ? 12 : 7, fill: typeColor[n.type] || "#999" }),
      T.svg("text", { x: x + (n.centre ? 15 : 10), y: y + 4 }, T.cut(n.name, 34)));
    svg.append(link);
  }
  return T.h("div", {}, svg, T.h("p", { class: "small muted" },
    "Dark lines: knowledge-base affiliations valid on ", g.date || "any date",
    "; red: event interactions; grey: relations reported in documents."));
};

T.timelineSvg = function (rows) {
  if (!rows.length) return T.h("p", { class: "muted" }, "No dated events.");
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const [y0, m0] = months[0].split("-").map(Number), [y1, m1] = months[months.length - 1].split("-").map(Number);
  const all = [];
  for (let y = y0, m = m0; y < y1 || (y === y1 && m <= m1); m === 12 ? (y++, m = 1) : m++) all.push(y + "-" + String(m).padStart(2, "0"));
  const per = {};
  rows.forEach((r) => { (per[r.month] = per[r.month] || []).push(r); });
  const max = Math.max(1, ...all.map((m) => (per[m] || []).reduce((s, r) => s + r.n, 0)));
  const W = 900, H = 140, bw = Math.max(2, Math.min(40, (W - 40) / all.length - 2));
  const svg = T.svg("svg", { class: "timeline", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Events per month" });
  all.forEach((m, i) => {
    let y = H - 20;
    const x = 20 + i * (bw + 2);
    for (const r of per[m] || []) {
      const h = (r.n / max) * (H - 40);
      y -= h;
      svg.append(T.svg("rect", { x, y, width: bw, height: h, fill: T.color(r.type) }, T.svg("title", {}, `${m}: ${r.n} ${r.type}`)));
    }
    if (i === 0 || i === all.length - 1 || m.endsWith("-01")) svg.append(T.svg("text", { x, y: H - 5, "font-size": 10 }, m));
  });
  return svg;
};

T.mergeText = function (reason) {
  if (!reason) return "No merge record.";
  if (reason.founded) {
    const rej = reason.rejected || [];
    return "Founded this event (" + (reason.considered || 0) + " candidate(s) considered" +
      (rej.length ? "; rejected: " + rej.map((r) => (r.event || r.id || "?") + " — " + (r.why || r.reason || JSON.stringify(r))).join("; ") : "") + ").";
  }
  const bits = [];
  if (reason.merged_into) bits.push("joined event " + reason.merged_into);
  if (reason.why) bits.push(reason.why);
  if (reason.shared_actors && reason.shared_actors.length) bits.push("shared actors: " + [].concat(reason.shared_actors).join(", "));
  else if (reason.actors) bits.push(reason.actors);
  if (reason.date) bits.push("date " + reason.date);
  if (reason.place) bits.push(reason.place);
  if (reason.distance_km !== undefined && reason.distance_km !== null) bits.push("distance " + reason.distance_km + " km");
  return bits.length ? "Merged: " + bits.join("; ") + "." : "Merged.";
};

// One line of the decision stage's trace: who decided, on which word, with what score.
T.whyText = function (why, names) {
  const bits = ["Decided by " + (why.decided_by || "?")];
  if (why.trigger) bits.push("on \u201c" + why.trigger + "\u201d (" + (why.candidate || "?") + " candidate)");
  if (why.model) bits.push(why.model.label + ", p " + why.model.p_label + ", main act " + why.model.p_main);
  if (why.dropped_by_rules) bits.push("the rules had set it aside: " + why.dropped_by_rules);
  // actors resolved in context: which rule gave a generic actor its state
  (why.actors || []).filter((a) => a.class).forEach((a) => bits.push((names && names[a.actor] || a.actor) +
    " as " + a.class + (a.country ? " of " + a.country : "") + " (" + a.rule.replace(/-/g, " ") + (a.place ? ", " + a.place : "") + ")"));
  return bits.join("; ") + ".";
};

T.eventPage = async function (id) {
  const ev = await T.api("/events/" + encodeURIComponent(id));
  const names = ev.actor_names || {};
  document.title = ev.type + " " + (ev.date_start || "") + " — tocsin";
  const mentions = ev.mentions.map((m, i) => {
    const before = m.context_before || "", after = m.context_after || "";
    const trig = m.trigger ? String(m.trigger) : "";
    return T.h("div", { class: "card mention", "data-mention": i },
      T.h("div", {}, T.h("a", { href: "/documents/" + encodeURIComponent(m.doc_id), class: "doc-link" },
        T.h("b", {}, m.title || m.doc_id)), " ",
        T.h("span", { class: "muted small" }, [m.source, m.published].filter(Boolean).join(" · ")), " ",
        m.url ? T.h("a", { href: m.url, rel: "noopener noreferrer", class: "small" }, "original") : null),
      T.h("p", { class: "ctx" }, before.length >= 300 ? "…" : "", before,
        T.h("mark", { class: "evidence-sentence" }, (m.sentence || "").trimEnd()),
        (m.sentence || "").slice((m.sentence || "").trimEnd().length), after, after.length >= 300 ? "…" : ""),
      T.h("div", { class: "small" }, T.typeTag(m.type, m.mode), " ",
        "date text: ", m.date_text || "—", " · confidence ", m.confidence === null ? "—" : Number(m.confidence).toFixed(2),
        " · actors: ", (m.source_ids || []).map((a) => names[a] || a).join(", ") || "—", " → ", (m.target_ids || []).map((a) => names[a] || a).join(", ") || "—"),
      T.h("p", { class: "small merge" }, T.mergeText(m.merge_reason)),
      T.h("details", {}, T.h("summary", { class: "small" }, "merge record (JSON)"),
        T.h("pre", { class: "json" }, JSON.stringify(m.merge_reason, null, 2))),
      m.why ? T.h("p", { class: "small why" }, T.whyText(m.why, names)) : null,
      m.why ? T.h("details", {}, T.h("summary", { class: "small" }, "decision trace (JSON)"),
        T.h("pre", { class: "json" }, JSON.stringify(m.why, null, 2))) : null);
  });
  T.show(
    T.h("h1", { id: "event-title" }, T.typeTag(ev.type, ev.mode), " ", ev.place || "unknown place", ", ", T.date(ev)),
    T.h("dl", { class: "kv card" },
      T.h("dt", {}, "Sources"), T.h("dd", {}, (ev.sources || []).map((a) => [T.actorLink(a, names), " "]), (ev.sources || []).length ? null : "—"),
      T.h("dt", {}, "Targets"), T.h("dd", {}, (ev.targets || []).map((a) => [T.actorLink(a, names), " "]), (ev.targets || []).length ? null : "—"),
      T.h("dt", {}, "Place"), T.h("dd", {}, ev.place ? [ev.place, ev.admin1 ? ", " + ev.admin1 : "", ev.country ? " (" + ev.country + ")" : "",
        ev.lat !== null ? " " + ev.lat.toFixed(3) + ", " + ev.lon.toFixed(3) : ""] : "—"),
      T.h("dt", {}, "Date"), T.h("dd", {}, T.date(ev), " (", ev.precision || "unknown", ")"),
      T.h("dt", {}, "Casualties"), T.h("dd", {}, "killed ", ev.fatalities === null ? "—" : String(ev.fatalities), ", injured ", ev.injuries === null ? "—" : String(ev.injuries)),
      T.h("dt", {}, "Reports"), T.h("dd", {}, String(ev.n_mentions), " in ", String(ev.n_documents), " document(s)",
        ev.republished_in && ev.republished_in.length ? "; republished in " + ev.republished_in.join(", ") : ""),
      T.h("dt", {}, "Confidence"), T.h("dd", {}, ev.confidence === null ? "—" : Number(ev.confidence).toFixed(2))),
    (ev.alerts || []).length ? T.h("div", { class: "card", id: "event-alerts" }, T.h("b", {}, "Evidence for alerts: "),
      ev.alerts.map((a) => [T.levelTag(a.level), T.h("a", { href: "/alert/" + encodeURIComponent(a.id) },
        T.alertTitle({ kind: a.kind, label: a.label }) + " (week of " + a.raised + ")"), " "])) : null,
    T.h("h2", {}, "Mentions, with evidence highlighted"), mentions);
};
