// The satsov dashboard: a world atlas of dependency, region views of computed assessments, and a form to run
// new scenarios. MapLibre GL JS draws the base map (country outlines served by satsov itself: no tiles, no
// token, no CDN); deck.gl draws the cells of a region. Every view's state lives in the URL's hash so that a
// view can be shared. Each view sets document.body.dataset.ready when its map has drawn (tests wait on it).

import maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { MapboxOverlay } from "@deck.gl/mapbox";
import { PathLayer, ScatterplotLayer } from "@deck.gl/layers";

const params = new URLSearchParams(window.location.search);
const TOKEN = params.get("token");
const $ = (sel) => document.querySelector(sel);

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (TOKEN) headers["Authorization"] = `Bearer ${TOKEN}`;
  const res = await fetch(path, Object.assign({}, options, { headers }));
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { detail: text }; }
  return { ok: res.ok, status: res.status, body };
}

// ---- text is text: the page is built from elements and textContent, never from markup (no innerHTML) ----------
// el("td", { class: "num" }, "12%") builds <td class="num">12%</td>; a string child is always a text node.
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "style") Object.assign(e.style, v);   // CSSOM: allowed by the page's style-src 'self'
    else e.setAttribute(k, String(v));
  }
  e.append(...nodes(children));
  return e;
}
function nodes(children) {
  return children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== "" && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
}
// replace what an element shows
function show(target, ...children) { (typeof target === "string" ? $(target) : target).replaceChildren(...nodes(children)); }
// a table row: th or td cells; a cell is text, an element, or [text, {attrs}]
function tr(cells, { head = false, attrs = {} } = {}) {
  return el("tr", attrs, cells.map((c) => (Array.isArray(c) ? el(head ? "th" : "td", c[1], c[0]) : el(head ? "th" : "td", {}, c))));
}
const num = (text) => [text, { class: "num" }];
// the options of a select: [value, text, title]
function options(select, items) {
  show(select, items.map(([value, text, title]) => el("option", { value, title }, text ?? value)));
}
function swatch(colour) { return el("span", { class: "swatch", style: { background: rgb(colour) } }); }
const pct = (v, digits = 1) => `${(100 * v).toFixed(digits)}%`;

function withToken(url) {
  return TOKEN ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(TOKEN)}` : url;
}

// ---- view state in the URL ------------------------------------------------------------------------------
const state = { view: "atlas", metric: "policy", policy: "no-spacex", operator: "starlink", job: "", region: "",
  case: "policy:all-operators", compare: "", t: "", route: "", design: "", layer: "visibility" };

function readHash() {
  const h = new URLSearchParams(window.location.hash.slice(1));
  for (const k of Object.keys(state)) if (h.has(k)) state[k] = h.get(k);
}
function writeHash() {
  const h = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v !== "" && v !== null) h.set(k, v);
  history.replaceState(null, "", `${window.location.pathname}${window.location.search}#${h.toString()}`);
}

function markReady(what) {
  document.body.dataset.ready = what;
  document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
}
function busy() { delete document.body.dataset.ready; }

// ---- colours ----------------------------------------------------------------------------------------------
// served share 0..1: red (nothing) to yellow to green (everything); difference: blue (gain) to red (loss)
function shareColour(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return [200, 200, 200];
  const stops = [[0, [178, 24, 43]], [0.5, [253, 219, 99]], [0.9, [120, 198, 121]], [1, [0, 104, 55]]];
  for (let i = 1; i < stops.length; i++) {
    if (v <= stops[i][0]) {
      const [a, ca] = stops[i - 1], [b, cb] = stops[i];
      const f = (v - a) / Math.max(b - a, 1e-9);
      return ca.map((c, j) => Math.round(c + f * (cb[j] - c)));
    }
  }
  return stops[stops.length - 1][1];
}
function diffColour(d) {
  if (d >= 0) return [220, 220, 220].map((c, j) => Math.round(c + Math.min(d, 1) * ([33, 102, 172][j] - c)));
  const f = Math.min(-d, 1);
  return [220, 220, 220].map((c, j) => Math.round(c + f * ([178, 24, 43][j] - c)));
}
const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;

// ---- the map ----------------------------------------------------------------------------------------------
const map = new maplibregl.Map({
  container: "map",
  style: { version: 8, sources: {}, layers: [{ id: "ocean", type: "background", paint: { "background-color": "#dce8f2" } }] },
  center: [10, 35], zoom: 1.2, attributionControl: false, preserveDrawingBuffer: true,
  renderWorldCopies: false,
});
map.addControl(new maplibregl.AttributionControl({ customAttribution: "Natural Earth (public domain) · GeoNames (CC BY 4.0)" }));
const overlay = new MapboxOverlay({ interleaved: false, layers: [] });
map.addControl(overlay);

let countriesLoaded = null;
function loadCountries() {
  if (countriesLoaded) return countriesLoaded;
  countriesLoaded = api("/api/countries.geojson").then(({ body }) => new Promise((resolve) => {
    const add = () => {
      map.addSource("countries", { type: "geojson", data: body, promoteId: "code" });
      map.addLayer({ id: "land", type: "fill", source: "countries",
        paint: { "fill-color": ["coalesce", ["feature-state", "colour"], "#f4f1ea"], "fill-opacity": 0.95 } });
      map.addLayer({ id: "borders", type: "line", source: "countries", paint: { "line-color": "#8a8a8a", "line-width": 0.5 } });
      map.on("click", "land", (e) => { if (state.view === "atlas" && e.features.length) showCountry(e.features[0].properties.code); });
      resolve(body);
    };
    if (map.isStyleLoaded()) add(); else map.once("load", add);
  }));
  return countriesLoaded;
}

// countries back to the plain base map (the views other than the atlas colour cells, routes or satellites)
async function clearCountries() {
  const countries = await loadCountries();
  for (const f of countries.features) map.setFeatureState({ source: "countries", id: f.properties.code }, { colour: null });
}

// the computed assessments, newest first, as the options of a select
async function assessments(select) {
  const { body } = await api("/api/jobs");
  const done = body.jobs.filter((j) => j.status === "done" && j.kind === "assess");
  options(select, done.map((j) => [j.id, `${j.name} · ${j.finished_utc}`]));
  return done;
}

function whenDrawn(what) {
  map.once("idle", () => markReady(what));
  map.triggerRepaint();
}

// ---- atlas ------------------------------------------------------------------------------------------------
let atlasData = null;

async function showAtlas() {
  busy();
  $("#atlas-panel").hidden = false;
  overlay.setProps({ layers: [] });
  await loadCountries();
  if (!atlasData) {
    const { ok, body } = await api("/api/atlas");
    if (!ok) {
      $("#atlas-status").textContent = body.detail || "no atlas yet";
      $("#atlas-compute").hidden = false;
      await clearCountries();
      whenDrawn("atlas-empty");
      return;
    }
    atlasData = body;
    fillAtlasControls();
  }
  paintAtlas();
}

function fillAtlasControls() {
  const a = atlasData;
  $("#atlas-compute").hidden = true;
  $("#atlas-status").textContent = `${Object.keys(a.countries).length} countries · ${a.params.spacing_km} km grid · ` +
    `${a.params.duration} from ${a.params.start} every ${a.params.step}`;
  const pol = $("#atlas-policy");
  options(pol, a.policies.map((p) => [p.name, p.name, p.description]));
  const op = $("#atlas-operator");
  options(op, a.operators.map((o) => [o]));
  pol.value = a.policies.some((p) => p.name === state.policy) ? state.policy : a.policies[0].name;
  op.value = a.operators.includes(state.operator) ? state.operator : a.operators[0];
  $("#atlas-metric").value = state.metric;
}

function atlasValue(entry) {
  if (state.metric === "policy") return entry.policies[state.policy];
  if (state.metric === "alone") return entry.alone[state.operator];
  return entry.sole[state.operator] ?? 0;
}

function paintAtlas() {
  const a = atlasData;
  const t0 = performance.now();
  for (const [code, entry] of Object.entries(a.countries)) {
    const v = atlasValue(entry);
    const colour = state.metric === "sole" ? diffColour(-v) : shareColour(v);
    map.setFeatureState({ source: "countries", id: code }, { colour: rgb(colour) });
  }
  const rows = Object.entries(a.groups).map(([name, g]) => tr([name, num(pct(atlasValue(g)))]));
  const label = state.metric === "policy" ? `served under ${state.policy}` :
    state.metric === "alone" ? `served by ${state.operator} alone` : `served only by ${state.operator}`;
  show("#atlas-groups", el("caption", {}, label), tr(["group", "share of people"], { head: true }), rows);
  show("#atlas-legend", state.metric === "sole" ? [0, 0.25, 0.5, 1].map((v) =>
    [swatch(diffColour(-v)), `${Math.round(v * 100)}% only it `]) : legend(false));
  document.body.dataset.atlasMetric = `${state.metric}:${state.metric === "policy" ? state.policy : state.operator}`;
  document.body.dataset.updateMs = (performance.now() - t0).toFixed(1);
  writeHash();
  whenDrawn("atlas");
}

function showCountry(code) {
  const e = atlasData && atlasData.countries[code];
  if (!e) return;
  const pols = Object.entries(e.policies).map(([k, v]) => tr([k, num(pct(v))]));
  const ops = Object.entries(e.alone).map(([k, v]) => tr([k, num(pct(v)), num(pct(e.sole[k] || 0))]));
  show("#atlas-country", el("h3", {}, `${e.name} (${code})`),
    el("table", {}, tr(["policy", "served"], { head: true }), pols),
    el("table", {}, tr(["operator", "alone", "only it"], { head: true }), ops));
}

function legend(diverging) {
  if (diverging) {  // a difference map: loss in red, gain in blue, in percentage points
    return [-1, -0.5, -0.1, 0, 0.1, 0.5, 1].map((v) =>
      [swatch(diffColour(v)), `${v > 0 ? "+" : ""}${Math.round(v * 100)} pp `]);
  }
  return [0, 0.25, 0.5, 0.75, 0.9, 1].map((v) => [swatch(shareColour(v)), `${Math.round(v * 100)}% `]);
}

// ---- region view ------------------------------------------------------------------------------------------
let viewData = null, viewJob = "";

async function showRegion() {
  busy();
  $("#region-panel").hidden = false;
  await clearCountries();
  const done = await assessments("#region-job");
  if (!done.length) {
    $("#region-status").textContent = "no computed assessment yet: run one from the Run tab";
    overlay.setProps({ layers: [] });
    whenDrawn("region-empty");
    return;
  }
  if (!state.job || !done.some((j) => j.id === state.job)) state.job = done[0].id;
  $("#region-job").value = state.job;
  await loadView(state.job);
  const names = Object.keys(viewData.regions);
  options("#region-name", names.map((n) => [n]));
  if (!names.includes(state.region)) state.region = names[0];
  $("#region-name").value = state.region;
  fillCases();
  paintRegion(true);
}

function fillCases() {
  const r = viewData.regions[state.region];
  const opts = r.cases.filter((c) => c.kind !== "fleet").map((c) => [c.id, `${c.kind}: ${c.label}`]);
  options("#region-case", opts);
  options("#region-compare", [["", "(no comparison)"], ...opts]);
  if (!r.cases.some((c) => c.id === state.case)) state.case = "policy:all-operators";
  $("#region-case").value = state.case;
  $("#region-compare").value = state.compare;
  const slider = $("#region-time");
  slider.max = String(r.time.length - 1);
  if (state.t === "" || Number(state.t) > r.time.length - 1) state.t = "0";
  slider.value = state.t;
}

function paintRegion(fit) {
  const r = viewData.regions[state.region];
  const t0 = performance.now();
  // the layer: visibility (a satellite in view) or capacity (share of busy-hour demand carried)
  const cap = r.capacity;
  const useCap = state.layer === "capacity" && cap && cap.served_share[state.case];
  $("#region-layer").disabled = !cap;
  $("#region-layer").value = useCap ? "capacity" : "visibility";
  const cells = useCap ? cap.cells : r.cells;
  // through time: where the case has frames (denial events, their policies, the baseline), the slider walks them
  const framed = !useCap && r.frames && r.frames[state.case];
  const slider = $("#region-time");
  slider.max = String(framed ? r.frames[state.case].length - 1 : r.time.length - 1);
  if (Number(state.t) > Number(slider.max)) state.t = "0";
  slider.value = state.t;
  const f = Number(state.t);
  const values = useCap ? cap.served_share : r.availability;
  const a = framed ? r.frames[state.case][f] : values[state.case];
  const bSrc = framed && r.frames[state.compare] ? r.frames[state.compare][f] : (values[state.compare] || null);
  const b = state.compare ? bSrc : null;
  const n = cells.lat_deg.length;
  const data = new Array(n);
  for (let i = 0; i < n; i++) {
    data[i] = { position: [cells.lon_deg[i], cells.lat_deg[i]], value: b ? a[i] - b[i] : a[i] };
  }
  const radius = cells.spacing_km * 1000 * 0.56;
  overlay.setProps({ layers: [new ScatterplotLayer({
    id: "cells", data, getPosition: (d) => d.position, getRadius: radius, radiusUnits: "meters",
    getFillColor: (d) => (b ? diffColour(d.value) : shareColour(d.value)), opacity: 0.85, stroked: false,
    updateTriggers: { getFillColor: [state.case, state.compare, state.layer, state.t] },
  })] });
  if (fit) {
    const lons = r.cells.lon_deg, lats = r.cells.lat_deg;
    map.fitBounds([[Math.min(...lons) - 2, Math.min(...lats) - 2], [Math.max(...lons) + 2, Math.max(...lats) + 2]],
      { animate: false, padding: 20 });
  }
  // figures of the case, its series at the slider's time, and per-operator dependency
  const label = state.case.split(":").slice(1).join(":");
  const fig = r.figures;
  const pol = fig.policies[label];
  // the step shown: a frame's first step, or the slider's step
  const t = framed ? Math.min(r.time.length - 1, r.time.indexOf(r.frame_start[f]) >= 0 ? r.time.indexOf(r.frame_start[f]) : 0) : Number(state.t);
  const series = r.series[state.case];
  const figRow = (head, value) => el("tr", {}, el("th", {}, head), el("td", { class: "num" }, value));
  show("#region-figures", el("tr", {}, el("th", {}, "case"), el("td", {}, state.case)),
    pol ? [figRow("served", pct(pol.served_share)), figRow("loss vs all", `${pol.loss_pp.toFixed(1)} pp`)] : null,
    fig.kill_switch[label] ? figRow(`served with ${label} off`, pct(fig.kill_switch[label].served_share)) : null,
    figRow(`at ${r.time[t]}`, `${pct(series[t])} of people covered`));
  $("#region-time-label").textContent = framed ? `map of ${r.frame_start[f]} onwards` : r.time[t];
  const ops = Object.entries(fig.operators);
  show("#region-operators", ops.map(([k, v]) => el("div", { class: "bar" }, el("span", { class: "bar-label" }, k),
    el("span", { class: "bar-fill", style: { width: pct(v.alone) } }), el("span", { class: "bar-value" }, pct(v.alone, 0)))));
  const capacity = fig.capacity && fig.capacity.policies;
  show("#region-capacity", capacity ? [el("caption", {}, "capacity (served share of busy-hour demand)"),
    Object.entries(capacity).map(([k, v]) => tr([k, num(pct(v.served_share ?? 0))]))] : null);
  show("#region-legend", legend(!!b));
  $("#region-status").textContent = `${useCap ? "capacity: share of busy-hour demand carried" : "visibility: share of the time a satellite is in view"} · ${n} cells · ${cells.spacing_km} km`;
  renderRoutes();
  document.body.dataset.regionCase = `${state.case}|${state.compare}|${useCap ? "capacity" : "visibility"}`;
  document.body.dataset.regionFrame = framed ? String(f) : "";
  document.body.dataset.updateMs = (performance.now() - t0).toFixed(1);
  writeHash();
  whenDrawn("region");
}

function renderRoutes() {
  const routes = (viewData.routes || []);
  const shares = (d) => Object.entries(d || {}).map(([k, v]) => `${k} ${pct(v, 0)}`).join(", ");
  show("#region-routes", routes.length ? [
    tr(["from", "to", "policy", "reachable", "RTT median", "operators", "gateway countries"], { head: true }),
    routes.map((r) => tr([r.from, r.to, r.policy, num(pct(r.reachable_share, 0)),
      num(r.rtt_ms_median == null ? "—" : r.rtt_ms_median.toFixed(1) + " ms"), shares(r.operators_share),
      shares(r.gateway_countries_share)]))] : null);
}

// ---- routes: each hop coloured by the jurisdiction of its satellite or gateway ------------------------------
const JURISDICTION_COLOURS = { US: [31, 119, 180], CN: [214, 39, 40], CA: [148, 103, 189], GB: [44, 160, 44],
  FR: [23, 190, 207], EU: [0, 51, 153], LU: [0, 51, 153], RU: [140, 86, 75], IS: [188, 189, 34], NO: [227, 119, 194] };
function jurisdictionColour(code) {
  if (JURISDICTION_COLOURS[code]) return JURISDICTION_COLOURS[code];
  let h = 0;
  for (const ch of String(code)) h = (h * 31 + ch.charCodeAt(0)) % 360;
  const f = (n) => { const k = (n + h / 30) % 12; return Math.round(255 * (0.45 - 0.35 * Math.max(-1, Math.min(k - 3, 9 - k, 1)))); };
  return [f(0), f(8), f(4)];
}

async function loadView(job) {
  if (viewJob !== job) {
    viewData = (await api(`/api/jobs/${encodeURIComponent(job)}/view.json`)).body;
    viewJob = job;
  }
  return viewData;
}

async function showRoutes() {
  busy();
  $("#routes-panel").hidden = false;
  await clearCountries();
  const done = await assessments("#routes-job");
  if (!done.length) { $("#routes-status").textContent = "no computed assessment yet"; whenDrawn("routes-empty"); return; }
  if (!state.job || !done.some((j) => j.id === state.job)) state.job = done[0].id;
  $("#routes-job").value = state.job;
  const v = await loadView(state.job);
  const routes = v.routes || [];
  options("#routes-route", routes.map((r, i) => [String(i), `${r.from} → ${r.to} · ${r.policy}`]));
  if (!routes.length) {
    $("#routes-status").textContent = "this assessment audits no route: add city_pairs to the scenario";
    overlay.setProps({ layers: [] });
    whenDrawn("routes-empty");
    return;
  }
  if (state.route === "" || Number(state.route) >= routes.length) state.route = "0";
  $("#routes-route").value = state.route;
  paintRoute(true);
}

function paintRoute(fit) {
  const r = viewData.routes[Number(state.route)];
  const steps = r.hops || [];
  const slider = $("#routes-time");
  slider.max = String(Math.max(steps.length - 1, 0));
  if (state.t === "" || Number(state.t) > steps.length - 1) state.t = "0";
  slider.value = state.t;
  const t = Number(state.t);
  const hops = steps[t];
  const colourOf = (h) => jurisdictionColour(h[0] === "sat" ? (r.jurisdictions || {})[h[5]] || h[5] : h[5]);
  const layers = [];
  if (hops) {
    const segments = hops.slice(1).map((h, k) => ({ path: [[hops[k][2], hops[k][3]], [h[2], h[3]]], colour: colourOf(h[0] === "sat" ? h : hops[k]) }));
    layers.push(new PathLayer({ id: "hops", data: segments, getPath: (d) => d.path, getColor: (d) => d.colour,
      getWidth: 4, widthUnits: "pixels", updateTriggers: { getColor: [state.route, state.t] } }));
    layers.push(new ScatterplotLayer({ id: "nodes", data: hops, getPosition: (h) => [h[2], h[3]], getRadius: 7,
      radiusUnits: "pixels", getFillColor: colourOf, stroked: true, getLineColor: [30, 30, 30], lineWidthMinPixels: 1,
      updateTriggers: { getFillColor: [state.route, state.t] } }));
  }
  overlay.setProps({ layers });
  if (fit && hops) {
    const lons = hops.map((h) => h[2]), lats = hops.map((h) => h[3]);
    map.fitBounds([[Math.min(...lons) - 8, Math.min(...lats) - 5], [Math.max(...lons) + 8, Math.max(...lats) + 5]], { animate: false, padding: 30 });
  }
  const seen = new Map();
  for (const step of steps) for (const h of step || []) {
    const code = h[0] === "sat" ? (r.jurisdictions || {})[h[5]] || h[5] : h[5];
    seen.set(code, (seen.get(code) || 0) + 1);
  }
  show("#routes-legend", [...seen.keys()].sort().map((c) => [swatch(jurisdictionColour(c)), `${c} `]));
  const time = (viewData.routes[Number(state.route)].time || [])[t] || "";
  $("#routes-time-label").textContent = time;
  show("#routes-hops", hops ? [tr(["hop", "where", "jurisdiction"], { head: true }), hops.map((h) => tr([`${h[0]} ${h[1]}`,
    `${h[3].toFixed(1)}°, ${h[2].toFixed(1)}°${h[0] === "sat" ? ` · ${h[4].toFixed(0)} km` : ""}`,
    h[0] === "sat" ? `${h[5]} (${(r.jurisdictions || {})[h[5]] || "?"})` : h[5]]))] : tr(["unreachable at this step"]));
  $("#routes-status").textContent = `reachable ${(100 * r.reachable_share).toFixed(0)}% of the time · RTT median ` +
    `${r.rtt_ms_median == null ? "—" : r.rtt_ms_median.toFixed(1) + " ms"} · lands in ${Object.keys(r.gateway_countries_share || {}).join(", ") || "—"}`;
  document.body.dataset.routeHops = hops ? String(hops.length) : "0";
  writeHash();
  whenDrawn("routes");
}

// ---- designs: what `satsov design --data-dir` stored ----------------------------------------------------------
async function showDesigns() {
  busy();
  $("#designs-panel").hidden = false;
  await clearCountries();
  const { body } = await api("/api/designs");
  const list = body.designs;
  if (!list.length) {
    show("#designs-table");
    $("#designs-status").textContent = "no design stored: run `satsov design --region R --altitude-km H --data-dir DIR`";
    overlay.setProps({ layers: [] });
    whenDrawn("designs-empty");
    return;
  }
  if (!list.some((d) => d.name === state.design)) state.design = list[0].name;
  show("#designs-table", tr(["region", "requirement", "best", ""], { head: true }), list.map((d) => {
    const r = d.requirement, b = d.best;
    return tr([r.region, `${r.fold}-fold ≥${r.min_elevation_deg}° for ${pct(r.availability, 0)} of ${r.weight}`,
      b ? `${b.satellites} sats: ${b.planes} × ${b.sats_per_plane}, ${b.inclination_deg}°, ${b.altitude_km} km (verified ${pct(b.verified_availability)})` : "none met it",
      el("a", { href: `#view=designs&design=${encodeURIComponent(d.name)}` }, "show")],
    { attrs: { class: d.name === state.design ? "selected" : null } });
  }));
  const chosen = list.find((d) => d.name === state.design);
  const sats = (await api(`/api/designs/${encodeURIComponent(state.design)}/satellites`)).body;
  const radius = (sats.footprint_deg || 0) * 111195;
  overlay.setProps({ layers: [
    new ScatterplotLayer({ id: "footprints", data: sats.satellites, getPosition: (p) => p, getRadius: radius, radiusUnits: "meters",
      getFillColor: [33, 102, 172, 40], stroked: true, getLineColor: [33, 102, 172, 160], lineWidthMinPixels: 1 }),
    new ScatterplotLayer({ id: "satellites", data: sats.satellites, getPosition: (p) => p, getRadius: 4, radiusUnits: "pixels",
      getFillColor: [20, 20, 20] }),
  ] });
  map.jumpTo({ center: [10, 30], zoom: 0.8 });
  $("#designs-status").textContent = chosen.best ? `${sats.satellites.length} satellites at the window's start, each with its footprint ` +
    `(${(sats.footprint_deg || 0).toFixed(1)}° Earth-central half-angle); screened ${chosen.screened} candidates` : "";
  document.body.dataset.designSatellites = String(sats.satellites.length);
  writeHash();
  whenDrawn("designs");
}

// ---- run: the scenario form ---------------------------------------------------------------------------------
let catalogue = null;

async function showRun() {
  $("#run-panel").hidden = false;
  if (!catalogue) {
    catalogue = (await api("/api/catalogue")).body;
    show("#f-operators", catalogue.operators.filter((o) => o.service === "broadband").map((o) =>
      [el("label", {}, el("input", { type: "checkbox", name: "op", value: o.key }), ` ${o.key}`), " "]));
    show("#f-policies", catalogue.policies.map((p, i) => [i ? ", " : "", el("span", { title: p.description }, p.name)]));
  }
  await refreshJobs();
  markReady("run");
}

function formScenario() {
  const advanced = $("#f-json").value.trim();
  if (advanced) return JSON.parse(advanced);
  const spacing = Number($("#f-spacing").value);
  const regions = $("#f-regions").value.split(",").map((s) => s.trim()).filter(Boolean)
    .map((q) => ({ name: q, query: q, spacing_km: spacing }));
  const ops = [...document.querySelectorAll("input[name=op]:checked")].map((e) => e.value);
  const sc = { name: $("#f-name").value || "dashboard scenario", regions,
    window: { start: $("#f-start").value, duration: $("#f-duration").value, step: $("#f-step").value },
    fleets: { flying: ops.length ? ops : "all", services: ["broadband"] },
    capacity: { enabled: $("#f-capacity").checked, step: "6h", sensitivity: false, spacing_km: Math.max(spacing, 200) } };
  const denyOp = $("#f-deny").value.trim();
  if (denyOp) sc.policies = [{ name: `no-${denyOp}`, deny_operators: [denyOp] }];
  const ra = $("#f-route-a").value.trim(), rb = $("#f-route-b").value.trim();
  if (ra && rb) sc.city_pairs = [{ a: ra, b: rb }];
  const evOp = $("#f-event-op").value.trim();
  if (evOp) sc.events = [{ name: `${evOp} switched off`, operator: evOp, region: $("#f-event-region").value.trim() || null,
    start: $("#f-event-start").value || null, end: $("#f-event-end").value || null }];
  return sc;
}

const FIELDS = ["regions", "window", "fleets", "policies", "events", "capacity", "city_pairs"];

function showErrors(errors) {
  for (const f of [...FIELDS, "general"]) $(`#err-${f}`).textContent = "";
  for (const e of errors) {
    const head = (e.loc || "").split(/[.[]/)[0];
    const field = FIELDS.includes(head) ? head : "general";
    const el = $(`#err-${field}`);
    el.textContent = (el.textContent ? el.textContent + "\n" : "") + (e.text || e.message);
  }
}

async function submitScenario(ev) {
  ev.preventDefault();
  showErrors([]);
  let scenario;
  try { scenario = formScenario(); } catch (e) { showErrors([{ loc: "", text: `advanced JSON: ${e.message}` }]); return; }
  const { ok, status, body } = await api("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ scenario }) });
  if (!ok) {
    showErrors(body.errors || [{ loc: "", text: `${status}: ${body.detail}` }]);
    document.body.dataset.formErrors = String((body.errors || [1]).length);
    return;
  }
  follow(body.id);
}

function follow(id) {
  $("#run-progress").hidden = false;
  const bar = $("#run-bar"), label = $("#run-label");
  document.body.dataset.job = id;
  document.body.dataset.jobStatus = "queued";
  const es = new EventSource(withToken(`/api/jobs/${id}/events`));
  const update = (e) => {
    const j = JSON.parse(e.data);
    document.body.dataset.jobStatus = j.status;
    const p = j.progress;
    bar.max = Math.max(p.total, 1); bar.value = p.done;
    label.textContent = `${j.status}: ${p.label} ${p.done}/${p.total}`;
    if (p.total > 0) document.body.dataset.progressSeen = "yes";
  };
  es.addEventListener("progress", update);
  es.addEventListener("done", (e) => { update(e); es.close(); refreshJobs(); });
  es.addEventListener("failed", (e) => { update(e); es.close(); label.textContent += ` — ${JSON.parse(e.data).error}`; refreshJobs(); });
}

async function refreshJobs() {
  const { body } = await api("/api/jobs");
  show("#jobs", tr(["scenario", "status", "created", ""], { head: true }), body.jobs.map((j) => {
    const id = encodeURIComponent(j.id);
    const links = j.status === "done" && j.kind === "assess" ? [
      el("a", { class: "report", href: withToken(`/api/jobs/${id}/report.html`) }, "report"), " · ",
      el("a", { href: withToken(`/api/jobs/${id}/report.json`) }, "JSON"), " · ",
      el("a", { href: `#view=region&job=${id}`, class: "open" }, "open")] : null;
    const failed = j.status === "failed" ? el("span", { class: "error" }, String(j.error || "").split("\n")[0]) : null;
    return el("tr", {}, el("td", {}, j.name), el("td", {}, j.status), el("td", {}, j.created_utc), el("td", {}, links, failed));
  }));
  for (const a of document.querySelectorAll("#jobs a.open")) a.addEventListener("click", () => setTimeout(route, 0));
}

// ---- navigation ---------------------------------------------------------------------------------------------
async function route() {
  readHash();
  for (const p of ["#atlas-panel", "#region-panel", "#routes-panel", "#designs-panel", "#run-panel"]) $(p).hidden = true;
  for (const t of document.querySelectorAll("nav a")) t.classList.toggle("active", t.dataset.view === state.view);
  if (state.view === "region") await showRegion();
  else if (state.view === "routes") await showRoutes();
  else if (state.view === "designs") await showDesigns();
  else if (state.view === "run") await showRun();
  else await showAtlas();
}

function bind() {
  for (const t of document.querySelectorAll("nav a")) t.addEventListener("click", (e) => {
    e.preventDefault(); state.view = t.dataset.view; writeHash(); route();
  });
  $("#atlas-metric").addEventListener("change", (e) => { busy(); state.metric = e.target.value; paintAtlas(); });
  $("#atlas-policy").addEventListener("change", (e) => { busy(); state.policy = e.target.value; state.metric = "policy"; $("#atlas-metric").value = "policy"; paintAtlas(); });
  $("#atlas-operator").addEventListener("change", (e) => { busy(); state.operator = e.target.value; if (state.metric === "policy") { state.metric = "alone"; $("#atlas-metric").value = "alone"; } paintAtlas(); });
  $("#atlas-compute").addEventListener("click", async () => {
    const { ok, body } = await api("/api/atlas", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ spacing_km: 400, duration: "2h", step: "20m" }) });
    $("#atlas-status").textContent = ok ? "computing the atlas…" : JSON.stringify(body);
    if (ok) {
      const es = new EventSource(withToken(`/api/jobs/${body.id}/events`));
      es.addEventListener("progress", (e) => { const p = JSON.parse(e.data).progress; $("#atlas-status").textContent = `computing the atlas… ${p.done}/${p.total}`; });
      es.addEventListener("done", () => { es.close(); atlasData = null; showAtlas(); });
      es.addEventListener("failed", (e) => { es.close(); $("#atlas-status").textContent = JSON.parse(e.data).error; });
    }
  });
  $("#region-job").addEventListener("change", (e) => { state.job = e.target.value; state.region = ""; showRegion(); });
  $("#region-name").addEventListener("change", (e) => { busy(); state.region = e.target.value; fillCases(); paintRegion(true); });
  $("#region-case").addEventListener("change", (e) => { busy(); state.case = e.target.value; paintRegion(false); });
  $("#region-compare").addEventListener("change", (e) => { busy(); state.compare = e.target.value; paintRegion(false); });
  $("#region-time").addEventListener("input", (e) => { busy(); state.t = e.target.value; paintRegion(false); });
  $("#region-layer").addEventListener("change", (e) => { busy(); state.layer = e.target.value; paintRegion(false); });
  $("#run-form").addEventListener("submit", submitScenario);
  $("#routes-job").addEventListener("change", (e) => { state.job = e.target.value; state.route = "0"; showRoutes(); });
  $("#routes-route").addEventListener("change", (e) => { busy(); state.route = e.target.value; paintRoute(true); });
  $("#routes-time").addEventListener("input", (e) => { busy(); state.t = e.target.value; paintRoute(false); });
  window.addEventListener("hashchange", () => { route(); });
}

bind();
route();
