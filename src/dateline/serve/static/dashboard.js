// dateline dashboard: filters, a timeline, a dyad chart, an event table and the evidence view.
//
// Every string that comes from the data is put on the page with textContent or
// setAttribute, never as HTML, so a story containing "<script>" shows as text.
// Charts are SVG drawn here; no library, nothing loaded from the network.
"use strict";

(() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const PAGE_SIZE = 25;
  const MAX_FILLED_PERIODS = 1500; // beyond this the timeline shows only periods with events
  const ROLES = ["trigger", "source", "target", "time", "place"];

  // `latest` numbers the refreshes: an answer to an older one is dropped, so quick
  // clicks never leave the page showing an earlier filter. `done` counts finished ones.
  const state = { offset: 0, total: 0, meta: null, latest: 0, done: 0 };
  const $ = (selector) => document.querySelector(selector);

  // -- building the page -----------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // An axis label: whole counts as they are, a half-way count with one decimal.
  const tick = (value) => (Number.isInteger(value) ? value : value.toFixed(1));

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function showError(message) {
    const box = $("#error");
    box.textContent = message;
    box.hidden = !message;
  }

  async function api(path, params) {
    const query = params ? "?" + new URLSearchParams(params).toString() : "";
    const response = await fetch(path + query, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = Array.isArray(body.detail)
        ? body.detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ")
        : body.detail || response.statusText;
      throw new Error(`${response.status} ${detail}`);
    }
    return body;
  }

  // -- filters -----------------------------------------------------------------
  function filters() {
    const form = new FormData($("#filters"));
    const params = {};
    for (const name of ["actor", "country", "since", "until", "root", "quadclass", "modality", "q"]) {
      const value = String(form.get(name) || "").trim();
      if (value) params[name] = value;
    }
    const a = String(form.get("dyad_a") || "").trim();
    const b = String(form.get("dyad_b") || "").trim();
    if (a && b) params.dyad = `${a},${b}`;
    return params;
  }

  function fillSelect(select, entries) {
    for (const [value, label] of entries) select.append(el("option", { value }, label));
  }

  function describeMeta(meta) {
    const c = meta.counts;
    const range = meta.report_dates.first
      ? ` · stories ${meta.report_dates.first} to ${meta.report_dates.last}`
      : "";
    // Say so when the stored events were coded under other rules than the installed ones.
    const stored = meta.stored_versions.map((v) => v.rules_version);
    const rules = stored.length === 0 || (stored.length === 1 && stored[0] === meta.rules_version)
      ? `rules ${meta.rules_version}`
      : `coded under rules ${stored.join(", ")} (installed: ${meta.rules_version})`;
    return `${c.events} events from ${c.articles} stories${range} · schema ${meta.schema_version} · ${rules}`;
  }

  // -- timeline ------------------------------------------------------------------
  function nextPeriod(date, interval) {
    const d = new Date(date.getTime());
    if (interval === "day") d.setUTCDate(d.getUTCDate() + 1);
    else if (interval === "week") d.setUTCDate(d.getUTCDate() + 7);
    else if (interval === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCFullYear(d.getUTCFullYear() + 1);
    return d;
  }

  function filledPeriods(buckets, interval) {
    if (buckets.length === 0) return [];
    const byPeriod = new Map(buckets.map((b) => [b.period, b.counts]));
    const periods = [];
    const last = new Date(buckets[buckets.length - 1].period + "T00:00:00Z");
    for (let d = new Date(buckets[0].period + "T00:00:00Z"); d <= last; d = nextPeriod(d, interval)) {
      const key = d.toISOString().slice(0, 10);
      periods.push({ period: key, counts: byPeriod.get(key) || {} });
      if (periods.length > MAX_FILLED_PERIODS) return buckets;
    }
    return periods;
  }

  // CAMEO roots get colours from this palette through SVG fill attributes (the CSP
  // allows no inline styles); QuadClasses keep their CSS classes.
  const ROOT_PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

  function seriesPaint(data, index, key, base) {
    return data.by === "root"
      ? { class: base, fill: ROOT_PALETTE[index % ROOT_PALETTE.length] }
      : { class: `${base} q${key}` };
  }

  function renderTimeline(data) {
    const box = $("#timeline");
    box.replaceChildren();
    // Drawn in about the pixels of a third of a 1400 px window, so 10 px text stays 10 px.
    const width = 440, height = 210, left = 30, bottom = 30, top = 10, right = 8;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "timeline" });
    const periods = filledPeriods(data.buckets, data.interval);
    const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
    const highest = Math.max(1, ...periods.map((p) => total(p.counts)));
    const plotW = width - left - right, plotH = height - top - bottom;
    for (const fraction of [0, 0.5, 1]) {
      const y = top + plotH * (1 - fraction);
      chart.append(svg("line", { class: "gridline", x1: left, x2: width - right, y1: y, y2: y }));
      chart.append(svg("text", { class: "axis", x: left - 4, y: y + 3, "text-anchor": "end" },
        tick(highest * fraction)));
    }
    if (periods.length === 0) {
      chart.append(svg("text", { class: "empty", x: width / 2, y: height / 2, "text-anchor": "middle" },
        "no events with a date inside one period"));
    }
    const step = plotW / Math.max(periods.length, 1);
    const barW = Math.max(1, step * 0.8);
    periods.forEach((p, i) => {
      let y = top + plotH;
      const x = left + i * step + (step - barW) / 2;
      data.series.forEach((series, index) => {
        const n = p.counts[series.key] || 0;
        if (!n) return;
        const h = (n / highest) * plotH;
        y -= h;
        const rect = svg("rect", { ...seriesPaint(data, index, series.key, "bar"), x, y, width: barW,
          height: h, "data-period": p.period, "data-key": series.key, "data-count": n });
        rect.append(svg("title", {}, `${p.period} · ${series.label}: ${n}`));
        chart.append(rect);
      });
    });
    const labelEvery = Math.max(1, Math.ceil(periods.length / 8));
    periods.forEach((p, i) => {
      if (i % labelEvery !== 0 && i !== periods.length - 1) return;
      const x = left + i * step + step / 2;
      const label = data.interval === "month" ? p.period.slice(0, 7)
        : data.interval === "year" ? p.period.slice(0, 4) : p.period;
      chart.append(svg("text", { class: "axis", x, y: height - bottom + 14, "text-anchor": "middle" }, label));
    });
    box.append(chart);
    const legend = $("#timeline-legend");
    legend.replaceChildren();
    data.series.forEach((series, index) => {
      const swatch = svg("svg", { class: "swatch", viewBox: "0 0 10 10", "aria-hidden": "true" });
      swatch.append(svg("rect", { ...seriesPaint(data, index, series.key, "key"), width: 10, height: 10 }));
      const label = data.by === "root" ? `${series.key} ${series.label}` : series.label;
      legend.append(el("span", {}, swatch, label));
    });
    const apart = [];
    if (data.spanning) apart.push(`${data.spanning} dated only more coarsely than a ${data.interval}`);
    if (data.undated) apart.push(`${data.undated} dated only vaguely (PAST_REF)`);
    $("#timeline-note").textContent = apart.length ? `Not drawn: ${apart.join("; ")}.` : "";
    $("#timeline-title").textContent =
      `events per ${data.interval} by ${data.by === "root" ? "CAMEO root" : "QuadClass"} (event date)`;
    box.dataset.ready = "true";
  }

  // -- dyads -----------------------------------------------------------------------
  function goldsteinColour(score) {
    // -10 (red) .. 0 (grey) .. +10 (green)
    const t = Math.max(-1, Math.min(1, (score || 0) / 10));
    const mix = (a, b, f) => Math.round(a + (b - a) * f);
    const [r, g, b] = t < 0
      ? [mix(150, 194, -t), mix(150, 55, -t), mix(150, 43, -t)]
      : [mix(150, 27, t), mix(150, 120, t), mix(150, 55, t)];
    return `rgb(${r}, ${g}, ${b})`;
  }

  function renderDyads(data) {
    const box = $("#dyads");
    box.replaceChildren();
    const rows = data.dyads;
    const rowH = 18, left = 130, right = 30, width = 440;
    const height = Math.max(60, rows.length * rowH + 10);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "top dyads" });
    if (rows.length === 0) {
      chart.append(svg("text", { class: "empty", x: width / 2, y: 30, "text-anchor": "middle" },
        "no dyads under these filters"));
    }
    const highest = Math.max(1, ...rows.map((d) => d.events));
    rows.forEach((d, i) => {
      const y = 5 + i * rowH;
      const w = ((width - left - right) * d.events) / highest;
      const name = `${d.source} → ${d.target}`;
      chart.append(svg("text", { class: "label", x: left - 6, y: y + 13, "text-anchor": "end" }, name));
      const rect = svg("rect", { class: "dyad", x: left, y: y + 2, width: w, height: rowH - 6,
        fill: goldsteinColour(d.mean_goldstein), "data-source": d.source, "data-target": d.target });
      rect.append(svg("title", {}, `${name}: ${d.events} events, mean Goldstein ${d.mean_goldstein}` +
        ` (${d.cooperation} cooperation, ${d.conflict} conflict); click to filter`));
      const pick = () => setFilters({ dyad_a: d.source, dyad_b: d.target, actor: "" });
      rect.setAttribute("tabindex", "0");
      rect.setAttribute("role", "button");
      rect.setAttribute("aria-label", `filter on ${name}`);
      rect.addEventListener("click", pick);
      rect.addEventListener("keydown", (event) => { if (event.key === "Enter") pick(); });
      chart.append(rect);
      chart.append(svg("text", { class: "axis", x: left + w + 4, y: y + 13 }, d.events));
    });
    box.append(chart);
    box.dataset.ready = "true";
  }

  // -- map ---------------------------------------------------------------------------------
  // The outline (Natural Earth 1:110m, public domain) ships in the package, already
  // projected: x = lon + 180, y = 90 - lat. Fetched once, from this server.
  let world = null;
  async function worldOutline() {
    if (!world) world = await api("/static/world-110m.json");
    return world;
  }

  function dominant(counts) {
    let best = "1";
    for (const key of ["1", "2", "3", "4"]) if ((counts[key] || 0) > (counts[best] || 0)) best = key;
    return best;
  }

  function renderMap(outline, data) {
    const box = $("#map");
    box.replaceChildren();
    const [x0, y0, width, height] = outline.viewBox;
    const chart = svg("svg", { viewBox: `${x0} ${y0} ${width} ${height}`, role: "img",
      "aria-label": "map of events" });
    chart.append(svg("rect", { class: "sea", x: x0, y: y0, width, height }));
    for (const country of outline.countries) {
      const path = svg("path", { class: "land", d: country.d });
      path.append(svg("title", {}, country.name));
      chart.append(path);
    }
    const places = [...data.places].sort((a, b) => b.events - a.events);
    for (const place of places) {
      const circle = svg("circle", {
        class: `place q${dominant(place.by_quadclass)}`,
        cx: (place.lon + 180).toFixed(2), cy: (90 - place.lat).toFixed(2),
        r: (1.2 + 1.3 * Math.sqrt(place.events)).toFixed(2),
        "data-name": place.name, "data-events": place.events,
      });
      circle.append(svg("title", {}, `${place.name}${place.country ? " (" + place.country + ")" : ""}: ` +
        `${place.events} events`));
      chart.append(circle);
    }
    box.append(chart);
    const placed = data.places.reduce((n, p) => n + p.events, 0);
    $("#map-note").textContent = `${placed} events at ${data.places.length} places` +
      (data.without_coordinates ? `; ${data.without_coordinates} with no place or no point` : "");
    box.dataset.ready = "true";
  }

  async function loadMap(params, seq) {
    const [outline, data] = await Promise.all([worldOutline(),
      api("/api/v1/places", { ...params, limit: 500 })]);
    if (seq === undefined || seq === state.latest) renderMap(outline, data);
  }

  // -- one dyad over time ------------------------------------------------------------------
  function renderSeries(data) {
    const box = $("#series");
    box.replaceChildren();
    const width = 440, height = 210, left = 30, right = 30, top = 10, bottom = 30;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": "dyad over time" });
    const legend = $("#series-legend");
    legend.replaceChildren();
    if (!data) {
      chart.append(svg("text", { class: "hint", x: width / 2, y: height / 2, "text-anchor": "middle" },
        "Choose a pair: click a bar under Top dyads, or fill Dyad in the filters."));
      box.append(chart);
      $("#series-title").textContent = "events and mean Goldstein per period";
      $("#series-note").textContent = "";
      box.dataset.ready = "true";
      return;
    }
    const buckets = data.buckets;
    const plotW = width - left - right, plotH = height - top - bottom;
    const highest = Math.max(1, ...buckets.map((b) => b.events));
    const step = plotW / Math.max(buckets.length, 1);
    const barW = Math.max(1, step * 0.7);
    const y = (g) => top + plotH * (1 - (g + 10) / 20); // Goldstein -10..+10
    for (const fraction of [0, 0.5, 1]) {
      const gy = top + plotH * (1 - fraction);
      chart.append(svg("line", { class: "gridline", x1: left, x2: width - right, y1: gy, y2: gy }));
      chart.append(svg("text", { class: "axis", x: left - 4, y: gy + 3, "text-anchor": "end" },
        tick(highest * fraction)));
      chart.append(svg("text", { class: "axis", x: width - right + 4, y: gy + 3 },
        Math.round(-10 + 20 * fraction)));
    }
    chart.append(svg("line", { class: "zero", x1: left, x2: width - right, y1: y(0), y2: y(0) }));
    const points = [];
    buckets.forEach((b, i) => {
      const x = left + i * step + (step - barW) / 2;
      if (b.events) {
        const h = (b.events / highest) * plotH;
        const bar = svg("rect", { class: "series-bar", x, y: top + plotH - h, width: barW, height: h,
          "data-period": b.period, "data-count": b.events });
        bar.append(svg("title", {}, `${b.period}: ${b.events} events, mean Goldstein ${b.mean_goldstein}` +
          ` (${b.cooperation} cooperation, ${b.conflict} conflict)`));
        chart.append(bar);
      }
      if (b.mean_goldstein !== null) points.push([x + barW / 2, y(b.mean_goldstein)]);
    });
    if (points.length > 1) {
      chart.append(svg("polyline", { class: "goldstein", points: points.map((p) => p.join(",")).join(" ") }));
    }
    for (const [px, py] of points) chart.append(svg("circle", { class: "goldstein-dot", cx: px, cy: py, r: 2.5 }));
    const labelEvery = Math.max(1, Math.ceil(buckets.length / 8));
    buckets.forEach((b, i) => {
      if (i % labelEvery !== 0 && i !== buckets.length - 1) return;
      const label = data.interval === "month" ? b.period.slice(0, 7)
        : data.interval === "year" ? b.period.slice(0, 4) : b.period;
      chart.append(svg("text", { class: "axis", x: left + i * step + step / 2, y: height - bottom + 14,
        "text-anchor": "middle" }, label));
    });
    box.append(chart);
    const bars = svg("svg", { class: "swatch", viewBox: "0 0 10 10", "aria-hidden": "true" });
    bars.append(svg("rect", { class: "series-bar", width: 10, height: 10 }));
    const line = svg("svg", { class: "swatch", viewBox: "0 0 10 10", "aria-hidden": "true" });
    line.append(svg("rect", { class: "goldstein-dot", y: 4, width: 10, height: 2 }));
    legend.append(el("span", {}, bars, "events (left axis)"),
      el("span", {}, line, "mean Goldstein, −10 to +10 (right axis)"));
    $("#series-title").textContent = `${data.dyad[0]} ↔ ${data.dyad[1]} per ${data.interval}`;
    $("#series-note").textContent = data.not_in_one_period
      ? `${data.not_in_one_period} events of the pair dated more coarsely or vaguely are not drawn.` : "";
    box.dataset.ready = "true";
  }

  async function loadSeries(params, interval, seq) {
    const data = params.dyad ? await api("/api/v1/dyad_series", { ...params, interval }) : null;
    if (seq === undefined || seq === state.latest) renderSeries(data);
  }

  // -- actors and fused events ------------------------------------------------------------
  function renderActors(data) {
    const body = $("#actors tbody");
    body.replaceChildren();
    for (const actor of data.actors) {
      // A sector code (CHNGOV) is labelled by what it is, not by one of the people in it.
      const named = actor.names > 1 ? `most named: ${actor.name} (of ${actor.names})`
        : actor.name && actor.name !== actor.label ? actor.name : null;
      const row = el("tr", { "data-code": actor.code, title: "click to filter on this actor" },
        el("td", { class: "code" }, actor.code),
        el("td", {}, el("span", { class: "label" }, actor.label || actor.code),
          named ? el("span", { class: "sub" }, named) : null),
        el("td", {}, actor.events), el("td", {}, actor.as_source), el("td", {}, actor.as_target));
      const pick = () => setFilters({ actor: actor.code, dyad_a: "", dyad_b: "" });
      row.setAttribute("tabindex", "0");
      row.addEventListener("click", pick);
      row.addEventListener("keydown", (event) => { if (event.key === "Enter") pick(); });
      body.append(row);
    }
  }

  function fusedParams(params) {
    // Fused events take the same filters (q: words in any report's sentence).
    const kept = {};
    for (const name of ["actor", "dyad", "country", "since", "until", "root", "quadclass",
      "modality", "q"]) {
      if (params[name]) kept[name] = params[name];
    }
    return { ...kept, min_reports: $("#min-reports").value, limit: 15, order: "desc" };
  }

  function renderFused(page) {
    const body = $("#fused tbody");
    body.replaceChildren();
    for (const fused of page.fused_events) {
      const link = el("a", { href: `#fused/${encodeURIComponent(fused.fused_id)}` }, fused.date_value);
      body.append(el("tr", { "data-fused-id": fused.fused_id },
        el("td", { class: "code" }, link),
        el("td", { class: "code" }, fused.source_code),
        el("td", {}, el("span", { class: "code" }, fused.cameo_code),
          el("span", { class: "sub" }, fused.cameo_name)),
        el("td", { class: "code" }, fused.target_code || "–"),
        el("td", {}, `${fused.n_reports}`)));
    }
    $("#fused-count").textContent = `${page.total} matching (latest first)`;
  }

  async function loadFused(params, seq) {
    if (!state.meta || !state.meta.fused.available) return;
    $("#fused-panel").hidden = false;
    const page = await api("/api/v1/fused", fusedParams(params));
    if (seq === undefined || seq === state.latest) renderFused(page);
  }

  function setFilters(values) {
    const form = $("#filters");
    for (const [name, value] of Object.entries(values)) form.elements[name].value = value;
    state.offset = 0;
    refresh();
  }

  // -- events table --------------------------------------------------------------------
  function actorCell(actor) {
    if (!actor) return el("td", {}, "–");
    return el("td", {}, el("span", { class: "code" }, actor.cameo_code || "?"),
      el("span", { class: "sub" }, actor.text || ""));
  }

  function dateLabel(date) {
    if (!date) return "";
    // PAST_REF ("recently") has no interval: say so rather than show it like a date.
    if (!date.start) return `undated (${date.value}${date.text ? `: “${date.text}”` : ""})`;
    return date.basis === "text" ? date.value : `${date.value} (${date.basis})`;
  }

  function renderEvents(page) {
    const body = $("#events tbody");
    body.replaceChildren();
    for (const event of page.events) {
      const link = el("a", { href: `#event/${encodeURIComponent(event.event_id)}`, class: "event-link" },
        dateLabel(event.date));
      body.append(el("tr", { "data-event-id": event.event_id },
        el("td", { class: "code" }, link),
        actorCell(event.source),
        el("td", {}, el("span", { class: "code" }, event.cameo_code),
          el("span", { class: "sub" }, event.cameo_name || "")),
        actorCell(event.target),
        el("td", {}, event.modality),
        el("td", {}, event.location ? event.location.name : "–"),
        el("td", {}, event.trigger)));
    }
    state.total = page.total;
    const last = page.offset + page.events.length;
    $("#events-count").textContent = `${page.total} matching`;
    $("#page").textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : "none";
    $("#prev").disabled = page.offset === 0;
    $("#next").disabled = page.next_offset === null;
    $("#events").dataset.ready = "true";
  }

  // -- evidence and article views ---------------------------------------------------------
  function highlighted(evidence) {
    // Split the sentence where any span starts or ends; each piece is marked with the roles covering it.
    const base = evidence.start;
    const text = evidence.text;
    const spans = evidence.spans.filter((s) => s.in_sentence)
      .map((s) => ({ role: s.role, start: s.start - base, end: s.end - base }));
    const cuts = new Set([0, text.length]);
    for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
    const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
    const box = el("p", { class: "sentence" });
    for (let i = 0; i + 1 < points.length; i++) {
      const [from, to] = [points[i], points[i + 1]];
      const piece = text.slice(from, to);
      const roles = ROLES.filter((role) => spans.some((s) => s.role === role && s.start <= from && to <= s.end));
      if (roles.length === 0) {
        box.append(document.createTextNode(piece));
      } else {
        box.append(el("mark", {
          class: `role-${roles[0]}${roles.length > 1 ? " multi" : ""}`,
          "data-roles": roles.join(" "), title: roles.join(", "),
        }, piece));
      }
    }
    return box;
  }

  function fields(entries) {
    const list = el("dl", { class: "fields" });
    for (const [name, value] of entries) {
      if (value === null || value === undefined || value === "") continue;
      list.append(el("dt", {}, name), el("dd", {}, value instanceof Node ? value : String(value)));
    }
    return list;
  }

  function actorLine(actor) {
    if (!actor) return null;
    const extra = [actor.country, actor.sector, actor.kb_id].filter(Boolean).join(", ");
    return `${actor.cameo_code || "?"} · ${actor.name || actor.text}${extra ? " (" + extra + ")" : ""} · “${actor.text}”`;
  }

  function showDetail(title, ...content) {
    $("#detail-title").textContent = title;
    $("#detail-body").replaceChildren(...content);
    $("#detail").hidden = false;
    $("#detail").scrollIntoView({ block: "nearest" });
  }

  async function showEvent(eventId) {
    const data = await api(`/api/v1/events/${encodeURIComponent(eventId)}`);
    const event = data.event;
    const outside = data.evidence.spans.filter((s) => !s.in_sentence)
      .map((s) => `${s.role}: “${s.text}”`).join("; ");
    const key = el("p", { class: "key" }, "highlighted: ",
      ...ROLES.map((role) => el("mark", { class: `role-${role}` }, role)));
    const article = data.article;
    const articleLink = article
      ? el("a", { href: `#article/${encodeURIComponent(article.article_id)}`, class: "article-link" },
        `${article.date} · ${article.title || article.article_id}`)
      : null;
    const date = event.date || {};
    showDetail(`Evidence · ${event.cameo_code} ${event.cameo_name}`,
      highlighted(data.evidence), key,
      fields([
        ["event", `${event.cameo_code} ${event.cameo_name} (QuadClass ${event.quad_class}, Goldstein ${event.goldstein})`],
        ["PLOVER", [event.plover_event, event.plover_mode].filter(Boolean).join(" / ")],
        ["source", actorLine(event.source)],
        ["target", actorLine(event.target) || "none (unilateral)"],
        ["trigger", event.trigger],
        ["modality", event.modality],
        ["date", date.start
          ? `${date.value} (${date.precision}; ${date.start} to ${date.end}; basis ${date.basis})` +
            (date.text ? ` from “${date.text}”` : "")
          : `${date.value}: a vague reference${date.text ? ` (“${date.text}”)` : ""}, no interval;` +
            ` reported ${event.report_date}`],
        ["place", event.location ? `${event.location.name} (${event.location.country || "?"})` : null],
        ["evidence outside the sentence", outside],
        ["rule", event.rule_id],
        ["article", articleLink],
        ["event id", event.event_id],
        ["versions", `schema ${event.schema_version}, rules ${event.rules_version}`],
      ]));
  }

  async function showArticle(articleId) {
    const article = await api(`/api/v1/articles/${encodeURIComponent(articleId)}`);
    const list = el("ul", {});
    for (const event of article.events) {
      list.append(el("li", {}, el("a", { href: `#event/${encodeURIComponent(event.event_id)}` },
        `${event.source ? event.source.cameo_code : "?"} ${event.cameo_code} ` +
        `${event.target ? event.target.cameo_code : "–"} · ${event.trigger} · ${dateLabel(event.date)}`)));
    }
    showDetail(`Article · ${article.title || article.article_id}`,
      fields([["date", article.date], ["source", article.source], ["url", article.url],
        ["id", article.article_id], ["events", article.n_events]]),
      el("div", { class: "article-text" }, article.text), list);
  }

  async function showFused(fusedId) {
    const data = await api(`/api/v1/fused/${encodeURIComponent(fusedId)}`);
    const fused = data.fused_event;
    // One entry per story (a story may report the event in several sentences).
    const stories = new Map();
    for (const report of data.reports) {
      const id = report.event.article_id;
      if (!stories.has(id)) stories.set(id, { article: report.article, events: [] });
      stories.get(id).events.push(report.event);
    }
    const list = el("ol", { class: "stories" });
    for (const [articleId, story] of stories) {
      const outlet = story.article.source ? ` · ${story.article.source}` : "";
      const reports = el("ul", {});
      for (const event of story.events) {
        reports.append(el("li", { class: "report" },
          el("a", { href: `#event/${encodeURIComponent(event.event_id)}` }, event.modality),
          `: ${String(event.sentence || "").trim()}`));
      }
      list.append(el("li", { class: "story", "data-article-id": articleId },
        el("a", { href: `#article/${encodeURIComponent(articleId)}`, class: "story-link" },
          `${story.article.date}${outlet} · ${story.article.title || articleId}`), reports));
    }
    showDetail(`Fused event · ${fused.cameo_code} ${fused.cameo_name}`,
      fields([
        ["source", `${fused.source_code} · ${fused.source_name || ""}`],
        ["target", fused.target_code ? `${fused.target_code} · ${fused.target_name || ""}` : "none"],
        ["date", `${fused.date_value} (${fused.date_precision})`],
        ["place", fused.location_name],
        ["modality", fused.modality],
        ["stories", `${fused.n_reports} (first ${fused.first_report}, last ${fused.last_report});` +
          ` ${data.reports.length} reports`],
        ["fused id", fused.fused_id],
      ]), list);
  }

  async function route() {
    const hash = decodeURIComponent(location.hash.slice(1));
    try {
      if (hash.startsWith("event/")) await showEvent(hash.slice(6));
      else if (hash.startsWith("article/")) await showArticle(hash.slice(8));
      else if (hash.startsWith("fused/")) await showFused(hash.slice(6));
      else $("#detail").hidden = true;
      showError("");
    } catch (error) {
      showError(String(error.message || error));
    }
  }

  // -- loading -------------------------------------------------------------------------------
  async function loadEvents(seq) {
    const order = new FormData($("#filters")).get("order") || "asc";
    const page = await api("/api/v1/events",
      { ...filters(), order, limit: PAGE_SIZE, offset: state.offset });
    if (seq === undefined || seq === state.latest) renderEvents(page);
  }

  async function refresh() {
    const seq = ++state.latest;
    const params = filters();
    const form = new FormData($("#filters"));
    const interval = form.get("interval") || "month";
    const by = form.get("by") === "root" ? "root" : "quadclass";
    try {
      const [timeline, dyads, actors] = await Promise.all([
        api("/api/v1/timeline", { ...params, interval, by }),
        api("/api/v1/dyads", { ...params, limit: 15 }),
        api("/api/v1/actors", { ...params, limit: 10 }),
      ]);
      if (seq !== state.latest) return;
      renderTimeline(timeline);
      renderDyads(dyads);
      renderActors(actors);
      await loadEvents(seq);
      await Promise.all([loadMap(params, seq), loadSeries(params, interval, seq),
        loadFused(params, seq)]);
      if (seq !== state.latest) return;
      showError("");
      document.body.dataset.refreshed = String(++state.done);
    } catch (error) {
      if (seq === state.latest) showError(String(error.message || error));
    }
  }

  async function start() {
    try {
      state.meta = await api("/api/v1/meta");
    } catch (error) {
      showError(String(error.message || error));
      return;
    }
    $("#meta").textContent = describeMeta(state.meta);
    const form = $("#filters");
    fillSelect(form.elements.root, Object.entries(state.meta.cameo_roots).map(([k, v]) => [k, `${k} ${v.toLowerCase()}`]));
    fillSelect(form.elements.quadclass, Object.entries(state.meta.quad_classes));
    fillSelect(form.elements.modality, state.meta.modalities.map((m) => [m, m]));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      state.offset = 0;
      refresh();
    });
    form.addEventListener("reset", () => setTimeout(() => { state.offset = 0; refresh(); }, 0));
    $("#prev").addEventListener("click", () => {
      state.offset = Math.max(0, state.offset - PAGE_SIZE);
      loadEvents().catch((e) => showError(String(e.message || e)));
    });
    $("#next").addEventListener("click", () => {
      state.offset += PAGE_SIZE;
      loadEvents().catch((e) => showError(String(e.message || e)));
    });
    $("#detail-close").addEventListener("click", (event) => {
      event.preventDefault();
      history.pushState(null, "", location.pathname);
      $("#detail").hidden = true;
    });
    $("#min-reports").addEventListener("change", () => {
      loadFused(filters()).catch((e) => showError(String(e.message || e)));
    });
    window.addEventListener("hashchange", route);
    await refresh();
    await route();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
