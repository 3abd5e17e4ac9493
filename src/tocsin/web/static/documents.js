// Documents: search over their text (every word, in the URL), and one document with its
// events' evidence sentences marked, their trigger words in bold, each linked to its event.
"use strict";

T.DOCS_PAGE = 25;

T.documentsPage = async function (params) {
  const q = (params.get("q") || "").trim();
  const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
  const input = T.h("input", { id: "doc-q", name: "q", type: "search", value: q, maxlength: "200",
    placeholder: "words of the text, e.g. roadside bomb Mandera", size: "40" });
  const form = T.h("form", { id: "doc-search", class: "filters" }, T.h("label", {}, "Search the texts ", input),
    T.h("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = input.value.trim();
    T.go("/documents" + (v ? "?q=" + encodeURIComponent(v) : ""));
  });
  const res = await T.api("/documents", { q, limit: T.DOCS_PAGE, offset });
  const rows = res.items.map((d) => T.h("tr", {},
    T.h("td", {}, d.published || "—"),
    T.h("td", {}, T.h("a", { href: "/documents/" + encodeURIComponent(d.id), class: "doc-link" }, d.title || d.id),
      d.snippet ? T.h("div", { class: "small snippet" }, d.snippet.map((p) => p.match ? T.h("mark", {}, p.text) : p.text)) : null),
    T.h("td", { class: "muted" }, d.source || ""),
    T.h("td", {}, d.n_events === undefined ? "" : String(d.n_events))));
  const link = (o) => "/documents?" + new URLSearchParams(Object.assign(q ? { q } : {}, { offset: o }));
  T.show(T.h("h1", {}, "Documents"), form,
    T.h("p", { id: "doc-count" }, res.total + " document" + (res.total === 1 ? "" : "s") + (q ? " with every word of “" + q + "”" : "")),
    rows.length ? T.h("table", { id: "doc-results" }, T.h("thead", {}, T.h("tr", {},
      ["Published", "Title", "Source", "Events"].map((c) => T.h("th", {}, c)))), T.h("tbody", {}, rows))
      : T.h("p", { class: "muted" }, "No document matches."),
    T.h("p", {}, offset > 0 ? T.h("a", { href: link(Math.max(0, offset - T.DOCS_PAGE)) }, "← newer") : null, " ",
      offset + T.DOCS_PAGE < res.total ? T.h("a", { href: link(offset + T.DOCS_PAGE) }, "older →") : null));
};

T.documentPage = async function (id) {
  const d = await T.api("/documents/" + encodeURIComponent(id));
  document.title = (d.title || d.id) + " — tocsin";
  const body = (d.segments || []).map((s) => {
    if (s.text !== undefined) return s.text;
    const tags = s.events.map((e) => T.h("a", { class: "ev-tag", href: "/event/" + encodeURIComponent(e.id),
      style: "background:" + T.color(e.type), title: e.type + (e.mode ? " · " + e.mode : "") + (e.date ? ", " + e.date : "") }, e.type));
    return T.h("mark", { class: "evidence-sentence", "data-events": s.events.map((e) => e.id).join(" ") },
      s.parts.map((p) => p.trigger ? T.h("b", { class: "trigger" }, p.text) : p.text), " ", tags);
  });
  const names = {};
  (d.event_rows || []).forEach((e) => {
    (e.sources || []).forEach((a, i) => { names[a] = e.source_names[i]; });
    (e.targets || []).forEach((a, i) => { names[a] = e.target_names[i]; });
  });
  T.show(
    T.h("p", {}, T.h("a", { href: "/documents" }, "← documents")),
    T.h("h1", { id: "doc-title" }, d.title || d.id),
    T.h("p", { class: "muted small" }, [d.source, d.published, d.author].filter(Boolean).join(" · "), " ",
      d.url ? T.h("a", { href: d.url, rel: "noopener noreferrer" }, "original") : null,
      d.duplicate_of ? [" · repeats ", T.h("a", { href: "/documents/" + encodeURIComponent(d.duplicate_of) }, d.duplicate_of)] : null),
    T.h("div", { class: "card doc-text", id: "doc-text" }, body),
    T.h("p", { class: "small muted" }, "Marked: the evidence sentence of each event the document reports; bold: the word that triggered it."),
    T.h("h2", {}, "Events reported (" + (d.event_rows || []).length + ")"),
    (d.event_rows || []).length ? T.eventsTable(d.event_rows, names) : T.h("p", { class: "muted" }, "None."));
};
