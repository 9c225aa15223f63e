// hass dashboard: a single page over the read-only JSON API (api/v1) and its event stream (api/v1/events).
// Figures of a campaign are recomputed here from its trial rows, so a save costs one small event, not a reload.
"use strict";

const api = path => fetch("api/v1/" + path, { headers: { Accept: "application/json" } }).then(r => r.ok ? r.json() : Promise.reject(new Error(r.status + " " + path)));
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
// The API writes a missing figure as null or as "NaN" (a ceiling row has no test top-1): both show as a dash.
const num = (v, d = 2) => v == null || !Number.isFinite(Number(v)) ? "–" : Number(v).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const secs = s => s == null ? "–" : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
const $ = id => document.getElementById(id);
const PAGE = 100;

// State the browser tests read (window.hassDashboard).
const state = window.hassDashboard = {
  view: null, loading: null, campaign: null, trials: new Map(), charts: {}, live: false, renders: 0,
  table: { sort: "number", asc: true, filter: "", stateFilter: "", page: 0 },
  trialCount: () => state.trials.size,
  paretoNumbers: () => (state.charts.accuracy?.data.datasets.find(d => d.label === "Pareto front")?.data ?? []).map(p => p.trial),
};

// ---- figures (same rules as the engine's Objective and `hass status`) -------------------------------------

function paretoFront(rows) {
  const points = rows.filter(t => t.state === "Complete" && t.feasible && t.accuracy != null && t.hasDesign);
  points.sort((a, b) => b.throughput - a.throughput || b.accuracy - a.accuracy);
  const front = [];
  let bestAcc = -Infinity;
  for (let i = 0; i < points.length;) {
    let j = i;
    while (j < points.length && points[j].throughput === points[i].throughput) j++;
    const topAcc = points[i].accuracy;
    if (topAcc > bestAcc) for (let k = i; k < j && points[k].accuracy === topAcc; k++) front.push(points[k]);
    bestAcc = Math.max(bestAcc, topAcc);
    i = j;
  }
  return front.sort((a, b) => a.throughput - b.throughput);
}

function primary(t, c) { return c.objective === "multi" ? t.objectiveValues[1] : t.objectiveValues[0]; }

function bestSoFar(rows, c) {
  let best = null;
  const series = [];
  for (const t of rows) {
    if (t.state === "Complete" && t.feasible && t.objectiveValues.length > 0) {
      const v = primary(t, c);
      if (best == null || (c.maximize ? v > primary(best, c) : v < primary(best, c))) best = t;
    }
    if (best) series.push({ x: t.number, y: primary(best, c), trial: best.number });
  }
  return { best, series };
}

function figures(rows, c) {
  const states = {};
  for (const t of rows) states[t.state] = (states[t.state] ?? 0) + 1;
  const counted = rows.length - (states.Abandoned ?? 0);
  const finished = (states.Complete ?? 0) + (states.Pruned ?? 0) + (states.Failed ?? 0);
  const rate = c.elapsedSeconds > 0 && finished > 0 ? finished / (c.elapsedSeconds / 60) : null;
  let eta = c.status === "Complete" ? 0 : null;
  if (c.status === "Running" && c.budgetTrials && rate) eta = Math.max(0, c.budgetTrials - counted) / rate * 60;
  if (c.status === "Running" && c.budgetWallTimeSeconds) eta = Math.min(eta ?? Infinity, Math.max(0, c.budgetWallTimeSeconds - c.elapsedSeconds));
  return {
    states, counted, rate, eta,
    feasible: rows.filter(t => t.state === "Complete" && t.feasible).length,
    evalHits: rows.filter(t => t.evaluationCacheHit).length, designHits: rows.filter(t => t.designCacheHit).length,
  };
}

// ---- charts -------------------------------------------------------------------------------------------------

function chart(id, config) {
  state.charts[id]?.destroy();
  config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false, parsing: true }, config.options);
  state.charts[id] = new Chart($("chart-" + id), config);
  return state.charts[id];
}

function accuracyChartData(rows, c) {
  const withDesign = rows.filter(t => t.hasDesign && t.accuracy != null);
  const point = t => ({ x: t.throughput, y: t.accuracy, trial: t.number });
  const front = paretoFront(rows).map(point);
  const xs = withDesign.map(t => t.throughput);
  const datasets = [
    { label: "feasible", data: withDesign.filter(t => t.feasible).map(point), backgroundColor: "#2563eb", pointRadius: 3 },
    { label: "infeasible", data: withDesign.filter(t => !t.feasible).map(point), backgroundColor: "#cbd5e1", pointRadius: 2.5 },
    { label: "Pareto front", data: front, type: "line", showLine: true, stepped: false, borderColor: "#16a34a", backgroundColor: "#16a34a", pointRadius: 4 },
  ];
  if (c.baselineTop1 != null && xs.length) {
    const y = c.baselineTop1 - c.tolerance;
    datasets.push({ label: `tolerance (${num(y)} %)`, data: [{ x: Math.min(...xs), y }, { x: Math.max(...xs), y }], type: "line", borderColor: "#dc2626", borderDash: [6, 4], pointRadius: 0 });
  }
  return { datasets };
}

function drawCampaignCharts(rows, c) {
  const data = accuracyChartData(rows, c);
  if (state.charts.accuracy && state.view === "campaign") { state.charts.accuracy.data = data; state.charts.accuracy.update("none"); }
  else chart("accuracy", {
    type: "scatter", data,
    options: {
      scales: { x: { title: { display: true, text: "throughput (img/s)" } }, y: { title: { display: true, text: "top-1 (%)" } } },
      plugins: { tooltip: { callbacks: { label: ctx => `trial ${ctx.raw.trial ?? ""}: ${num(ctx.raw.x, 1)} img/s, ${num(ctx.raw.y)} %` } } },
      onClick: (_, items) => { const p = items[0] && state.charts.accuracy.data.datasets[items[0].datasetIndex].data[items[0].index]; if (p?.trial) location.hash = `#/c/${encodeURIComponent(c.name)}/t/${p.trial}`; },
    },
  });
  const best = bestSoFar(rows, c).series;
  const bestData = { datasets: [{ label: `best ${c.objective} so far`, data: best, stepped: true, borderColor: "#2563eb", pointRadius: 0 }] };
  if (state.charts.best && state.view === "campaign") { state.charts.best.data = bestData; state.charts.best.update("none"); }
  else chart("best", { type: "line", data: bestData, options: { scales: { x: { type: "linear", title: { display: true, text: "trial" } }, y: { title: { display: true, text: c.objective } } } } });
}

// ---- views --------------------------------------------------------------------------------------------------

async function showCampaigns() {
  state.view = "campaigns";
  $("crumbs").innerHTML = "";
  const list = await api("campaigns");
  state.campaigns = list;
  $("view").innerHTML = `<h1>Campaigns</h1><div class="tablewrap"><table><thead><tr>
    <th class="l">campaign</th><th class="l">status</th><th>trials</th><th>feasible</th><th>best img/s</th><th>best top-1</th><th>trials/min</th><th>ETA</th>
    <th class="l">model</th><th class="l">backend</th><th class="l">board</th><th class="l">strategy</th></tr></thead><tbody>${list.map(s => `<tr>
    <td class="l"><a href="#/c/${encodeURIComponent(s.campaign.name)}">${esc(s.campaign.name)}</a></td><td class="l state-${esc(s.campaign.status)}">${esc(s.campaign.status)}</td>
    <td>${s.trials}${s.campaign.budgetTrials ? " / " + s.campaign.budgetTrials : ""}</td><td>${s.feasible}</td><td>${num(s.bestThroughput, 1)}</td><td>${num(s.bestAccuracy)}</td>
    <td>${num(s.trialsPerMinute, 1)}</td><td>${s.campaign.status === "Complete" ? "done" : secs(s.etaSeconds)}</td><td class="l">${esc(s.campaign.model)}</td><td class="l">${esc(s.campaign.backend)}</td>
    <td class="l">${esc(s.campaign.board)}</td><td class="l">${esc(s.campaign.strategy)}</td></tr>`).join("")}</tbody></table></div>
    ${list.length === 0 ? "<p class=muted>no campaigns in this store yet</p>" : ""}`;
}

// A trial goes Running → Complete/Pruned/Failed/Abandoned and never back: an older Running row never replaces a finished one.
function upsert(trial) {
  const old = state.trials.get(trial.number);
  if (!(old && old.state !== "Running" && trial.state === "Running")) state.trials.set(trial.number, trial);
}

async function showCampaign(name) {
  // Events that arrive while the snapshot loads are kept and applied on top of it, so none is lost.
  state.view = "loading";
  state.loading = { name, trials: [], campaign: null };
  const [detail, rows] = await Promise.all([api(`campaigns/${encodeURIComponent(name)}`), api(`campaigns/${encodeURIComponent(name)}/trials`)]);
  const held = state.loading;
  state.loading = null;
  state.view = null;
  state.campaign = held.campaign && Date.parse(held.campaign.updatedAt) > Date.parse(detail.summary.campaign.updatedAt) ? held.campaign : detail.summary.campaign;
  state.detail = detail;
  state.trials = new Map(rows.map(t => [t.number, t]));
  held.trials.forEach(upsert);
  state.table.page = 0;
  const enc = encodeURIComponent(name);
  $("crumbs").innerHTML = `› <a href="#/c/${enc}">${esc(name)}</a>`;
  $("view").innerHTML = `<h1>${esc(name)} <span class="muted" id="status"></span></h1>
    <div class="cards" id="cards"></div>
    <div class="grid2"><div class="panel"><h2>Accuracy vs throughput</h2><div class="chart"><canvas id="chart-accuracy"></canvas></div></div>
      <div class="panel"><h2>Best so far</h2><div class="chart"><canvas id="chart-best"></canvas></div></div></div>
    <h2>Trials</h2><div class="toolbar"><input id="filter" placeholder="filter: origin, error, parameter…" size="30">
      <select id="stateFilter"><option value="">all states</option>${["Complete", "Pruned", "Failed", "Running", "Abandoned"].map(s => `<option>${s}</option>`).join("")}</select>
      <button id="prev">‹</button><span id="pageinfo"></span><button id="next">›</button><a href="api/v1/campaigns/${enc}/trials.csv" download>CSV</a></div>
    <div class="tablewrap"><table id="trials"></table></div>
    <div id="final"></div><div id="calibration"></div>`;
  $("filter").oninput = e => { state.table.filter = e.target.value.toLowerCase(); state.table.page = 0; renderTable(); };
  $("stateFilter").onchange = e => { state.table.stateFilter = e.target.value; state.table.page = 0; renderTable(); };
  $("prev").onclick = () => { state.table.page = Math.max(0, state.table.page - 1); renderTable(); };
  $("next").onclick = () => { state.table.page++; renderTable(); };
  renderFinal(detail);
  renderCampaign();
  state.view = "campaign";
}

function renderCampaign() {
  const c = state.campaign, rows = [...state.trials.values()].sort((a, b) => a.number - b.number);
  const f = figures(rows, c), best = bestSoFar(rows, c).best;
  const progress = c.budgetTrials ? Math.min(1, f.counted / c.budgetTrials) : null;
  $("status").textContent = `${c.status.toLowerCase()} · ${c.model} on ${c.board} (${c.backend}) · ${c.strategy} · objective ${c.objective}`;
  const card = (k, v, extra = "") => `<div class="card"><div class="k">${k}</div><div class="v">${v}</div>${extra}</div>`;
  $("cards").innerHTML = [
    card("trials", `<span id="trial-count">${f.counted}</span>${c.budgetTrials ? " / " + c.budgetTrials : ""}`, progress == null ? "" : `<div class="progress"><div style="width:${progress * 100}%"></div></div>`),
    card("ETA", c.status === "Complete" ? "done" : c.status === "Running" ? secs(f.eta) : c.status.toLowerCase()), card("trials / min", num(f.rate, 1)),
    card("states", Object.entries(f.states).map(([s, n]) => `<span class="state-${s}">${s.toLowerCase()} ${n}</span>`).join("<br>") || "–"),
    card("feasible", f.feasible), card("cache hits", `eval ${f.evalHits} · design ${f.designHits}`),
    card("baseline top-1", num(c.baselineTop1) + " %", `<div class="k">tolerance ${num(c.tolerance)} points</div>`),
    card("best so far", best ? `<a href="#/c/${encodeURIComponent(c.name)}/t/${best.number}">#${best.number}</a> ${num(best.throughput, 1)} img/s` : "–", best ? `<div class="k">top-1 ${num(best.accuracy)} % · ${esc(best.fidelity.toLowerCase())}</div>` : ""),
  ].join("");
  drawCampaignCharts(rows, c);
  renderTable();
  state.renders++;
}

const COLUMNS = [
  ["number", "#"], ["state", "state", "l"], ["origin", "origin", "l"], ["accuracy", "top-1"], ["throughput", "img/s"], ["fidelity", "fidelity", "l"],
  ["gopsPerDsp", "GOP/s/DSP"], ["dsp", "DSP"], ["weightSparsity", "w-sp"], ["activationSparsity", "a-sp"], ["effectiveSparsity", "eff-sp"],
  ["feasible", "feasible"], ["cache", "cache"], ["evaluate", "eval s"], ["design", "DSE s"], ["total", "total s"], ["parameters", "parameters", "l"],
];
const cell = {
  cache: t => (t.evaluationCacheHit ? "E" : "") + (t.designCacheHit ? "D" : ""),
  evaluate: t => t.timings.evaluate, design: t => t.timings.design, total: t => t.timings.total,
  parameters: t => Object.entries(t.parameters).map(([k, v]) => `${k}=${v}`).join(" "),
};
const value = (t, key) => cell[key] ? cell[key](t) : t[key];

function renderTable() {
  const { sort, asc, filter, stateFilter } = state.table;
  let rows = [...state.trials.values()];
  if (stateFilter) rows = rows.filter(t => t.state === stateFilter);
  if (filter) rows = rows.filter(t => `${t.number} ${t.origin} ${t.error ?? ""} ${t.fidelity} ${value(t, "parameters")}`.toLowerCase().includes(filter));
  rows.sort((a, b) => { const x = value(a, sort) ?? -Infinity, y = value(b, sort) ?? -Infinity; return (x < y ? -1 : x > y ? 1 : a.number - b.number) * (asc ? 1 : -1); });
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  state.table.page = Math.min(state.table.page, pages - 1);
  const shown = rows.slice(state.table.page * PAGE, (state.table.page + 1) * PAGE);
  $("pageinfo").textContent = `${rows.length} rows · page ${state.table.page + 1} / ${pages}`;
  const best = bestSoFar([...state.trials.values()].sort((a, b) => a.number - b.number), state.campaign).best;
  const enc = encodeURIComponent(state.campaign.name);
  const fmt = (t, key) => {
    const v = value(t, key);
    if (key === "number") return `<a href="#/c/${enc}/t/${t.number}">${t.number}</a>`;
    if (key === "state") return `<span class="state-${esc(v)}">${esc(v.toLowerCase())}</span>`;
    if (t.state === "Running" && key !== "parameters") return "–";
    if (key === "feasible") return v ? "yes" : "no";
    if (typeof v === "number") return num(v, key.includes("parsity") || key === "gopsPerDsp" ? 3 : key === "dsp" ? 0 : key === "throughput" ? 1 : 2);
    return esc(v);
  };
  $("trials").innerHTML = `<thead><tr>${COLUMNS.map(([k, label, cls]) => `<th data-key="${k}" class="${cls ?? ""} ${k === sort ? "sorted" + (asc ? " asc" : "") : ""}">${label}</th>`).join("")}</tr></thead>
    <tbody>${shown.map(t => `<tr class="${best && t.number === best.number ? "best" : ""}">${COLUMNS.map(([k, , cls]) => `<td class="${cls === "l" ? (k === "parameters" ? "params" : "l") : ""}">${fmt(t, k)}</td>`).join("")}</tr>`).join("")}</tbody>`;
  for (const th of $("trials").querySelectorAll("th")) th.onclick = () => {
    const key = th.dataset.key;
    state.table.asc = state.table.sort === key ? !state.table.asc : key === "number" || key === "state";
    state.table.sort = key;
    renderTable();
  };
}

// What the CLI prints under the final table: per row, what binds a ceiling, or a pick's headroom and next folding level.
function finalNotes(rows) {
  const noted = rows.filter(r => r.note);
  return noted.length === 0 ? "" : `<p class="muted" id="final-notes">${noted.map(r => `${esc(r.label)}: ${esc(r.note)}`).join("<br>")}</p>`;
}

function renderFinal(detail) {
  const final = detail.final;
  $("final").innerHTML = !final ? "" : `<h2>Final table (test split, ${final.testImages} images${final.confirmationImages > 0 ? `; picks confirmed on ${final.confirmationImages} images` : ""})</h2><div class="tablewrap"><table><thead><tr>
    <th class="l">design</th><th class="l">campaign</th><th>trial</th><th>search top-1</th><th>test top-1</th><th>confirm top-1</th><th>eff-sp</th><th>img/s</th><th class="l">fidelity</th><th>DSP</th><th>GOP/s/DSP</th><th>× dense</th><th>× uniform</th></tr></thead>
    <tbody>${final.rows.map(r => `<tr><td class="l">${esc(r.label)}</td><td class="l">${esc(r.campaign)}</td><td>${r.trial ?? "–"}</td><td>${num(r.searchTop1)}</td><td>${num(r.testTop1)}</td>
    <td>${r.confirmationTop1 == null ? "–" : num(r.confirmationTop1)}</td><td>${num(r.effectiveSparsity, 3)}</td><td>${num(r.throughput, 1)}</td><td class="l">${esc(r.throughputFidelity)}</td><td>${num(r.dsp, 0)}</td><td>${num(r.gopsPerDsp, 3)}</td>
    <td>${num(r.speedupOverDense)}</td><td>${num(r.speedupOverUniform)}</td></tr>`).join("")}</tbody></table></div>` + finalNotes(final.rows);
  const cal = detail.calibration, m = detail.measurements;
  $("calibration").innerHTML = `<h2>Predicted vs measured</h2><p class="muted">calibration of ${esc(cal.backend)} on ${esc(cal.board)}: factor ${num(cal.factor, 3)} from ${cal.samples.length} sample(s)</p>` +
    (m.length === 0 ? "<p class=muted>no design of this campaign was measured</p>" : `<div class="grid2"><div class="tablewrap"><table><thead><tr><th class="l">design</th><th class="l">board</th><th class="l">fidelity</th><th>predicted img/s</th><th>measured img/s</th><th>predicted/measured</th><th class="l">trials</th></tr></thead>
    <tbody>${m.map(x => `<tr><td class="l">${esc(x.designHash.slice(0, 12))}</td><td class="l">${esc(x.boardId)}</td><td class="l">${esc(x.fidelity)}</td><td>${num(x.predicted, 1)}</td><td>${num(x.measured, 1)}</td><td>${num(x.predicted / x.measured, 3)}</td><td class="l">${x.trials.join(", ")}</td></tr>`).join("")}</tbody></table></div>
    <div class="panel"><div class="chart small"><canvas id="chart-measured"></canvas></div></div></div>`);
  if (m.length) chart("measured", { type: "scatter", data: { datasets: [{ label: "measured vs predicted (img/s)", data: m.map(x => ({ x: x.predicted, y: x.measured })), backgroundColor: "#7c3aed" }] },
    options: { scales: { x: { title: { display: true, text: "predicted" } }, y: { title: { display: true, text: "measured" } } } } });
}

async function showTrial(name, number) {
  state.view = "trial";
  const enc = encodeURIComponent(name);
  $("crumbs").innerHTML = `› <a href="#/c/${enc}">${esc(name)}</a> › trial ${number}`;
  const trial = await api(`campaigns/${enc}/trials/${number}`);
  const design = trial.design ? await api(`campaigns/${enc}/trials/${number}/design`) : null;
  const timings = Object.entries(trial.timings).map(([k, v]) => `${k} ${num(v, 3)} s`).join(" · ");
  $("view").innerHTML = `<h1>Trial ${number} <span class="muted state-${esc(trial.state)}">${esc(trial.state.toLowerCase())}</span></h1>
    <div class="cards">${[["top-1", num(trial.accuracy) + " %"], ["throughput", design ? num(design.performance.throughputImagesPerSecond, 1) + " img/s" : "–"],
      ["fidelity", esc(trial.throughputFidelity)], ["feasible", trial.feasible ? "yes" : "no"], ["effective sparsity", num(trial.effectiveSparsity, 3)],
      ["origin", esc(trial.origin)], ["bottleneck", design ? esc(design.performance.bottleneckLayer) : "–"], ["latency", design ? num(design.performance.latencySeconds * 1e3, 3) + " ms" : "–"]]
      .map(([k, v]) => `<div class="card"><div class="k">${k}</div><div class="v">${v}</div></div>`).join("")}</div>
    <p class="muted">timings: ${timings}</p><p class="params">${Object.entries(trial.parameters.values).map(([k, v]) => `${esc(k)} = ${v}`).join(" · ")}</p>
    ${trial.error ? `<p class="state-Failed">${esc(trial.error)}</p>` : ""}<div id="design"></div>`;
  if (design) renderDesign(design);
  else $("design").innerHTML = "<p class=muted>this trial has no design (pruned, failed or still running)</p>";
}

function renderDesign(d) {
  $("design").innerHTML = `<h2>Design: ${esc(d.backend)} ${esc(d.backendVersion)} on ${esc(d.board)}</h2>
    <div class="grid2"><div class="panel"><h2>Resources vs the board</h2><div class="chart small"><canvas id="chart-resources"></canvas></div></div>
      <div class="panel"><h2>Cycles per layer</h2><div class="chart small"><canvas id="chart-cycles"></canvas></div></div></div>
    <h2>Layers</h2><div class="tablewrap"><table id="layers"><thead><tr><th class="l">layer</th><th class="l">kind</th><th>partition</th><th>sparsity</th><th>sparse</th><th>cycles</th>
      <th class="l">folding</th><th>DSP</th><th>LUT</th><th>BRAM18</th><th>FF</th></tr></thead><tbody>${d.layers.map(l => `<tr class="${l.bottleneck ? "bottleneck" : ""}">
      <td class="l">${esc(l.layer)}${l.bottleneck ? " (bottleneck)" : ""}</td><td class="l">${esc(l.kind)}</td><td>${l.partition}</td><td>${num(l.sparsity, 3)}</td><td>${l.sparse ? "yes" : "no"}</td>
      <td>${num(l.cycles, 0)}</td><td class="l">${esc(l.foldingText)}</td><td>${num(l.resources.dsp, 0)}</td><td>${num(l.resources.lut, 0)}</td><td>${num(l.resources.bram18, 0)}</td><td>${num(l.resources.ff, 0)}</td></tr>`).join("")}</tbody></table></div>
    ${d.notes.length ? `<p class="muted">${d.notes.map(esc).join("<br>")}</p>` : ""}
    ${d.measurement ? `<p>measured ${num(d.measurement.medianImagesPerSecond, 1)} img/s (${esc(d.measurement.fidelity)}, ${esc(d.measurement.boardId)}) vs predicted ${num(d.measurement.predictedImagesPerSecond, 1)}</p>` : ""}`;
  const bars = d.resources.filter(r => r.available > 0);
  chart("resources", { type: "bar", data: { labels: bars.map(r => r.resource), datasets: [{ label: "% of the board", data: bars.map(r => r.fraction * 100),
    backgroundColor: bars.map(r => r.fraction > 1 ? "#dc2626" : r.fraction > 0.85 ? "#d97706" : "#2563eb") }] },
    options: { indexAxis: "y", scales: { x: { min: 0, max: Math.max(100, ...bars.map(r => r.fraction * 100)), title: { display: true, text: "% used" } } },
      plugins: { tooltip: { callbacks: { label: ctx => `${num(bars[ctx.dataIndex].used, 0)} of ${bars[ctx.dataIndex].available}` } } } } });
  chart("cycles", { type: "bar", data: { labels: d.layers.map(l => l.layer), datasets: [{ label: "cycles per image", data: d.layers.map(l => l.cycles),
    backgroundColor: d.layers.map(l => l.bottleneck ? "#d97706" : "#64748b") }] }, options: { plugins: { legend: { display: false } } } });
}

// ---- live updates: one event stream, renders coalesced --------------------------------------------------------

let pending = null;
// At most one redraw a second: a fast campaign (tens of trials a second) must not keep a browser core busy.
// The campaigns list is reloaded from the server (it counts every trial there), so at most every 5 s.
function schedule(fn, delay = 1000) { if (!pending) pending = setTimeout(() => { pending = null; fn(); }, delay); }

function connect() {
  const events = new EventSource("api/v1/events");
  // The view is (re)loaded once the stream is subscribed, on every (re)connection: a snapshot fetched before the
  // subscription existed could miss a trial that finished in between, and no event would ever correct it.
  events.addEventListener("hello", e => {
    state.live = JSON.parse(e.data).live; $("live").textContent = state.live ? "live" : "finished store"; $("live").classList.toggle("on", state.live);
    route();
  });
  events.addEventListener("trial", e => {
    const { campaign, trial } = JSON.parse(e.data);
    if (state.loading?.name === campaign) state.loading.trials.push(trial);
    else if (state.view === "campaign" && state.campaign?.name === campaign) { upsert(trial); schedule(renderCampaign); }
    else if (state.view === "campaigns") schedule(showCampaigns, 5000);
  });
  events.addEventListener("campaign", e => {
    const c = JSON.parse(e.data);
    if (state.loading?.name === c.name) state.loading.campaign = c;
    else if (state.view === "campaign" && state.campaign?.name === c.name) { state.campaign = c; schedule(renderCampaign); }
    else if (state.view === "campaigns") schedule(showCampaigns, 5000);
  });
  events.addEventListener("resync", () => route());
  events.onerror = () => {
    $("live").textContent = "disconnected"; $("live").classList.remove("on");
    if (!state.view) route();   // no stream at all: still show the store's pages
  };
}

function route() {
  clearTimeout(pending);
  pending = null;
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  for (const id of Object.keys(state.charts)) { state.charts[id].destroy(); delete state.charts[id]; }
  const shown = parts[0] === "c" && parts[1] ? (parts[2] === "t" ? showTrial(parts[1], Number(parts[3])) : showCampaign(parts[1])) : showCampaigns();
  shown.catch(err => { $("view").innerHTML = `<p class="state-Failed">${esc(err.message)}</p>`; });
}

window.addEventListener("hashchange", route);
connect();
