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
  $(select).innerHTML = done.map((j) => `<option value="${j.id}">${j.name} · ${j.finished_utc}</option>`).join("");
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
  pol.innerHTML = a.policies.map((p) => `<option value="${p.name}" title="${p.description}">${p.name}</option>`).join("");
  const op = $("#atlas-operator");
  op.innerHTML = a.operators.map((o) => `<option value="${o}">${o}</option>`).join("");
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
  const rows = Object.entries(a.groups).map(([name, g]) => {
    const v = atlasValue(g);
    return `<tr><td>${name}</td><td class="num">${(100 * v).toFixed(1)}%</td></tr>`;
  }).join("");
  const label = state.metric === "policy" ? `served under ${state.policy}` :
    state.metric === "alone" ? `served by ${state.operator} alone` : `served only by ${state.operator}`;
  $("#atlas-groups").innerHTML = `<caption>${label}</caption><tr><th>group</th><th>share of people</th></tr>${rows}`;
  $("#atlas-legend").innerHTML = state.metric === "sole" ? [0, 0.25, 0.5, 1].map((v) =>
    `<span class="swatch" style="background:${rgb(diffColour(-v))}"></span>${Math.round(v * 100)}% only it`).join(" ") : legend(false);
  document.body.dataset.atlasMetric = `${state.metric}:${state.metric === "policy" ? state.policy : state.operator}`;
  document.body.dataset.updateMs = (performance.now() - t0).toFixed(1);
  writeHash();
  whenDrawn("atlas");
}

function showCountry(code) {
  const e = atlasData && atlasData.countries[code];
  if (!e) return;
  const pols = Object.entries(e.policies).map(([k, v]) => `<tr><td>${k}</td><td class="num">${(100 * v).toFixed(1)}%</td></tr>`).join("");
  const ops = Object.entries(e.alone).map(([k, v]) =>
    `<tr><td>${k}</td><td class="num">${(100 * v).toFixed(1)}%</td><td class="num">${(100 * (e.sole[k] || 0)).toFixed(1)}%</td></tr>`).join("");
  $("#atlas-country").innerHTML = `<h3>${e.name} (${code})</h3><table><tr><th>policy</th><th>served</th></tr>${pols}</table>` +
    `<table><tr><th>operator</th><th>alone</th><th>only it</th></tr>${ops}</table>`;
}

function legend(diverging) {
  if (diverging) {  // a difference map: loss in red, gain in blue, in percentage points
    return [-1, -0.5, -0.1, 0, 0.1, 0.5, 1].map((v) =>
      `<span class="swatch" style="background:${rgb(diffColour(v))}"></span>${v > 0 ? "+" : ""}${Math.round(v * 100)} pp`).join(" ");
  }
  return [0, 0.25, 0.5, 0.75, 0.9, 1].map((v) =>
    `<span class="swatch" style="background:${rgb(shareColour(v))}"></span>${Math.round(v * 100)}%`).join(" ");
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
  $("#region-name").innerHTML = names.map((n) => `<option>${n}</option>`).join("");
  if (!names.includes(state.region)) state.region = names[0];
  $("#region-name").value = state.region;
  fillCases();
  paintRegion(true);
}

function fillCases() {
  const r = viewData.regions[state.region];
  const opts = r.cases.filter((c) => c.kind !== "fleet").map((c) => `<option value="${c.id}">${c.kind}: ${c.label}</option>`).join("");
  $("#region-case").innerHTML = opts;
  $("#region-compare").innerHTML = `<option value="">(no comparison)</option>` + opts;
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
  $("#region-figures").innerHTML = `<tr><th>case</th><td>${state.case}</td></tr>` +
    (pol ? `<tr><th>served</th><td class="num">${(100 * pol.served_share).toFixed(1)}%</td></tr>` +
      `<tr><th>loss vs all</th><td class="num">${pol.loss_pp.toFixed(1)} pp</td></tr>` : "") +
    (fig.kill_switch[label] ? `<tr><th>served with ${label} off</th><td class="num">${(100 * fig.kill_switch[label].served_share).toFixed(1)}%</td></tr>` : "") +
    `<tr><th>at ${r.time[t]}</th><td class="num">${(100 * series[t]).toFixed(1)}% of people covered</td></tr>`;
  $("#region-time-label").textContent = framed ? `map of ${r.frame_start[f]} onwards` : r.time[t];
  const ops = Object.entries(fig.operators);
  $("#region-operators").innerHTML = ops.map(([k, v]) =>
    `<div class="bar"><span class="bar-label">${k}</span><span class="bar-fill" style="width:${(100 * v.alone).toFixed(1)}%"></span>` +
    `<span class="bar-value">${(100 * v.alone).toFixed(0)}%</span></div>`).join("");
  const capacity = fig.capacity && fig.capacity.policies;
  $("#region-capacity").innerHTML = capacity ? `<caption>capacity (served share of busy-hour demand)</caption>` +
    Object.entries(capacity).map(([k, v]) => `<tr><td>${k}</td><td class="num">${(100 * (v.served_share ?? 0)).toFixed(1)}%</td></tr>`).join("") : "";
  $("#region-legend").innerHTML = legend(!!b);
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
  $("#region-routes").innerHTML = routes.length ? `<tr><th>from</th><th>to</th><th>policy</th><th>reachable</th><th>RTT median</th><th>operators</th><th>gateway countries</th></tr>` +
    routes.map((r) => `<tr><td>${r.from}</td><td>${r.to}</td><td>${r.policy}</td><td class="num">${(100 * r.reachable_share).toFixed(0)}%</td>` +
      `<td class="num">${r.rtt_ms_median == null ? "—" : r.rtt_ms_median.toFixed(1) + " ms"}</td>` +
      `<td>${Object.entries(r.operators_share || {}).map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`).join(", ")}</td>` +
      `<td>${Object.entries(r.gateway_countries_share || {}).map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`).join(", ")}</td></tr>`).join("") : "";
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
    viewData = (await api(`/api/jobs/${job}/view.json`)).body;
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
  $("#routes-route").innerHTML = routes.map((r, i) => `<option value="${i}">${r.from} → ${r.to} · ${r.policy}</option>`).join("");
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
  $("#routes-legend").innerHTML = [...seen.keys()].sort().map((c) => `<span class="swatch" style="background:${rgb(jurisdictionColour(c))}"></span>${c}`).join(" ");
  const time = (viewData.routes[Number(state.route)].time || [])[t] || "";
  $("#routes-time-label").textContent = time;
  $("#routes-hops").innerHTML = hops ? `<tr><th>hop</th><th>where</th><th>jurisdiction</th></tr>` + hops.map((h) =>
    `<tr><td>${h[0]} ${h[1]}</td><td>${h[3].toFixed(1)}°, ${h[2].toFixed(1)}°${h[0] === "sat" ? ` · ${h[4].toFixed(0)} km` : ""}</td>` +
    `<td>${h[0] === "sat" ? `${h[5]} (${(r.jurisdictions || {})[h[5]] || "?"})` : h[5]}</td></tr>`).join("") : `<tr><td>unreachable at this step</td></tr>`;
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
    $("#designs-table").innerHTML = "";
    $("#designs-status").textContent = "no design stored: run `satsov design --region R --altitude-km H --data-dir DIR`";
    overlay.setProps({ layers: [] });
    whenDrawn("designs-empty");
    return;
  }
  if (!list.some((d) => d.name === state.design)) state.design = list[0].name;
  $("#designs-table").innerHTML = `<tr><th>region</th><th>requirement</th><th>best</th><th></th></tr>` + list.map((d) => {
    const r = d.requirement, b = d.best;
    return `<tr${d.name === state.design ? ' class="selected"' : ""}><td>${r.region}</td><td>${r.fold}-fold ≥${r.min_elevation_deg}° for ${(100 * r.availability).toFixed(0)}% of ${r.weight}</td>` +
      `<td>${b ? `${b.satellites} sats: ${b.planes} × ${b.sats_per_plane}, ${b.inclination_deg}°, ${b.altitude_km} km (verified ${(100 * b.verified_availability).toFixed(1)}%)` : "none met it"}</td>` +
      `<td><a href="#view=designs&design=${d.name}">show</a></td></tr>`;
  }).join("");
  const chosen = list.find((d) => d.name === state.design);
  const sats = (await api(`/api/designs/${state.design}/satellites`)).body;
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
    $("#f-operators").innerHTML = catalogue.operators.filter((o) => o.service === "broadband").map((o) =>
      `<label><input type="checkbox" name="op" value="${o.key}"> ${o.key}</label>`).join(" ");
    $("#f-policies").innerHTML = catalogue.policies.map((p) => `<span title="${p.description}">${p.name}</span>`).join(", ");
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
  $("#jobs").innerHTML = `<tr><th>scenario</th><th>status</th><th>created</th><th></th></tr>` + body.jobs.map((j) =>
    `<tr><td>${j.name}</td><td>${j.status}</td><td>${j.created_utc}</td><td>` +
    (j.status === "done" && j.kind === "assess" ? `<a class="report" href="${withToken(`/api/jobs/${j.id}/report.html`)}">report</a> · ` +
      `<a href="${withToken(`/api/jobs/${j.id}/report.json`)}">JSON</a> · <a href="#view=region&job=${j.id}" class="open">open</a>` : "") +
    (j.status === "failed" ? `<span class="error">${j.error.split("\n")[0]}</span>` : "") + `</td></tr>`).join("");
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
