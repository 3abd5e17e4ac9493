// The events page: filters (actor, type, country, place, dates) kept in the URL, pages of 50,
// and the whole filtered view as CSV (the API's streamed export with the same filters).
"use strict";

T.PLOVER = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
T.EVENTS_PAGE = 50;

T.eventsPage = async function (params) {
  // place_id (or place + radius_km) comes from the map's "List these events" link.
  const keys = ["actor", "type", "country", "since", "until", "place_id", "place", "radius_km"];
  const query = Object.fromEntries(keys.map((k) => [k, (params.get(k) || "").trim()]).filter(([, v]) => v));
  const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
  const input = (name, label, attrs) => T.h("label", {}, label + " ",
    T.h("input", Object.assign({ name, id: "f-" + name, value: query[name] || "" }, attrs)));
  const types = T.h("select", { name: "type", id: "f-type" }, T.h("option", { value: "" }, "any"),
    T.PLOVER.map((t) => T.h("option", { value: t }, t)));
  types.value = query.type || "";
  const form = T.h("form", { id: "event-filters", class: "filters" },
    input("actor", "Actor", { type: "search", maxlength: "200", placeholder: "name or alias" }),
    T.h("label", {}, "Type ", types),
    input("country", "Country", { maxlength: "3", size: "4", placeholder: "ISO3" }),
    input("since", "From", { type: "date" }), input("until", "Until", { type: "date" }),
    ["place_id", "place", "radius_km"].filter((k) => query[k]).map((k) =>
      T.h("input", { type: "hidden", name: k, value: query[k] })),
    T.h("button", { type: "submit" }, "Apply"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const qs = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) qs.set(k, String(v).trim());
    T.go("/events" + (qs.toString() ? "?" + qs : ""));
  });
  const link = (extra) => "/events?" + new URLSearchParams(Object.assign({}, query, extra));
  let res;
  try {
    res = await T.api("/events", Object.assign({ limit: T.EVENTS_PAGE, offset, sort: "-date" }, query));
  } catch (err) { T.show(T.h("h1", {}, "Events"), form, T.fail(err)); return; }
  // The place filter as a removable chip, named from the events themselves.
  const placeName = query.place_id ? ((res.items[0] && res.items[0].place) || query.place_id)
    : query.place;
  const chip = placeName ? T.h("p", { id: "place-filter" }, "Place: ", T.h("strong", {}, placeName),
    res.items[0] && res.items[0].country ? " (" + [res.items[0].admin1, res.items[0].country]
      .filter(Boolean).join(", ") + ")" : "", " ",
    T.h("a", { id: "place-clear", href: "/events?" + new URLSearchParams(Object.fromEntries(
      Object.entries(query).filter(([k]) => !["place_id", "place", "radius_km"].includes(k)))) },
    "✕ any place")) : null;
  const shown = res.items.length ? (offset + 1) + "–" + (offset + res.items.length) : "0";
  const pager = T.h("p", { id: "pager" },
    offset > 0 ? T.h("a", { id: "prev", href: link({ offset: Math.max(0, offset - T.EVENTS_PAGE) }) }, "← newer") : null,
    " " + shown + " of " + res.total + " ",
    offset + T.EVENTS_PAGE < res.total ? T.h("a", { id: "next", href: link({ offset: offset + T.EVENTS_PAGE }) }, "older →") : null);
  const csv = T.h("a", { id: "events-csv", href: "/api/export/events.csv?" + new URLSearchParams(query),
    download: "events.csv" }, "Download this view as CSV (" + res.total + " events)");
  T.show(T.h("h1", {}, "Events"), form, chip, T.h("p", {}, csv),
    res.items.length ? T.eventsTable(res.items, res.actor_names || {}) : T.h("p", { class: "muted" }, "No events match."),
    pager);
};
