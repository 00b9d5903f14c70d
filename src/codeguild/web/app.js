// codeguild web page: plain JS on fetch + EventSource; no build step.
"use strict";

const NODE_W = 160, NODE_H = 34, COL_GAP = 44, ROW_GAP = 14, PAD = 16;
const SVG_NS = "http://www.w3.org/2000/svg";
const DONE = new Set(["succeeded", "failed", "skipped", "cancelled"]);

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("codeguild.token"), user: null,
  run: null, source: null, agentsTimer: null };

function authHeaders(extra = {}) {
  return { Authorization: `Bearer ${state.token}`, ...extra };
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: authHeaders(options.headers) });
  if (response.status === 401 && state.token) { logout(); throw new Error("Session expired: log in again."); }
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { const body = await response.json(); detail = body.detail || detail; } catch (_) { /* not JSON */ }
    throw new Error(detail);
  }
  return response;
}

// ---- login -------------------------------------------------------------------------------

async function login(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  const response = await fetch("/api/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: $("username").value, password: $("password").value }),
  });
  const body = await response.json();
  if (!response.ok) { $("login-error").textContent = body.detail; return; }
  state.token = body.access_token;
  sessionStorage.setItem("codeguild.token", state.token);
  await enter();
}

function logout() {
  state.token = null;
  sessionStorage.removeItem("codeguild.token");
  if (state.source) state.source.close();
  clearInterval(state.agentsTimer);
  $("app-view").hidden = true; $("whoami").hidden = true; $("login-view").hidden = false;
}

async function enter() {
  try {
    state.user = await (await api("/api/auth/me")).json();
  } catch (_) { logout(); return; }
  $("user-name").textContent = state.user.username;
  $("user-role").textContent = state.user.role;
  $("login-view").hidden = true; $("whoami").hidden = false; $("app-view").hidden = false;
  $("generate").disabled = state.user.role === "viewer";
  await Promise.all([loadProjects(), loadAgents()]);
  state.agentsTimer = setInterval(loadAgents, 3000);
}

// ---- generate and follow a run -----------------------------------------------------------

async function generate(event) {
  event.preventDefault();
  $("generate-error").textContent = "";
  const payload = { requirement: $("requirement").value };
  if ($("project-type").value) payload.project_type = $("project-type").value;
  try {
    const response = await api("/api/projects/generate", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
    });
    const created = await response.json();
    await follow(created.id, payload.requirement);
    loadProjects();
  } catch (error) { $("generate-error").textContent = error.message; }
}

async function follow(projectId, requirement) {
  if (state.source) state.source.close();
  state.run = { id: projectId, tasks: new Map(), order: [], log: [], selected: null, status: "queued" };
  $("run-view").hidden = false;
  $("run-id").textContent = projectId;
  $("run-requirement").textContent = requirement || "";
  $("task-log").textContent = ""; $("task-log-name").textContent = "(click a task)";
  $("download").disabled = true;
  setStatus("queued");
  render();
  // EventSource cannot send headers: trade the token for a one-minute ticket for this project
  const ticket = await (await api(`/api/projects/${projectId}/events/ticket`, { method: "POST" })).json();
  const source = new EventSource(ticket.url);
  state.source = source;
  const run = state.run;
  source.addEventListener("plan", (e) => { if (state.run === run) onPlan(JSON.parse(e.data)); });
  source.addEventListener("status", (e) => { if (state.run === run) setStatus(JSON.parse(e.data).status); });
  source.addEventListener("event", (e) => { if (state.run === run) onEvent(JSON.parse(e.data)); });
  source.addEventListener("end", (e) => {
    source.close();
    if (state.run !== run) return;
    const end = JSON.parse(e.data);
    setStatus(end.status);
    if (end.error) run.log.push({ task: null, line: `error: ${end.error}` });
    $("download").disabled = end.status === "cancelled" || !!end.error && end.status !== "succeeded";
    render(); loadProjects(); loadAgents();
  });
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) source.close(); };
}

function onPlan(plan) {
  for (const row of plan.tasks) {
    const node = state.run.tasks.get(row.name) || { name: row.name, state: "pending" };
    node.capability = row.capability; node.depends_on = row.depends_on || [];
    if (!state.run.tasks.has(row.name)) state.run.order.push(row.name);
    state.run.tasks.set(row.name, node);
  }
  render();
}

const TASK_STATE = { queued: "queued", retrying: "queued", started: "running", succeeded: "succeeded",
  failed: "failed", cancelled: "cancelled", skipped: "skipped" };

function onEvent(event) {
  const time = new Date(event.at * 1000).toLocaleTimeString();
  const who = event.agent ? ` [${event.agent}]` : "";
  const line = `${time} ${event.kind}${who} ${event.message || ""}`.trimEnd();
  state.run.log.push({ task: event.task, line });
  if (event.task && TASK_STATE[event.kind]) {
    let node = state.run.tasks.get(event.task);
    if (!node) { node = { name: event.task, state: "pending", depends_on: [] };
      state.run.tasks.set(event.task, node); state.run.order.push(event.task); }
    node.state = TASK_STATE[event.kind];
  }
  render();
}

function setStatus(status) {
  if (!state.run) return;
  state.run.status = status;
  const badge = $("run-status");
  badge.textContent = status; badge.className = `badge ${status}`;
  $("cancel").disabled = DONE.has(status) || status === "succeeded";
}

// ---- drawing -----------------------------------------------------------------------------

function levels(tasks) {
  const level = new Map();
  const visit = (name, seen) => {
    if (level.has(name)) return level.get(name);
    if (seen.has(name)) return 0;  // a cycle cannot happen (the server rejects them); stay safe
    seen.add(name);
    const node = tasks.get(name);
    const deps = (node && node.depends_on || []).filter((d) => tasks.has(d));
    const value = deps.length ? 1 + Math.max(...deps.map((d) => visit(d, seen))) : 0;
    level.set(name, value);
    return value;
  };
  for (const name of tasks.keys()) visit(name, new Set());
  return level;
}

// edges implied through another dependency are left out: the picture shows the order, not noise
function directDeps(tasks, node) {
  const deps = (node.depends_on || []).filter((d) => tasks.has(d));
  const reachable = (from, target, seen = new Set()) => {
    for (const next of (tasks.get(from) || {}).depends_on || []) {
      if (next === target) return true;
      if (!seen.has(next)) { seen.add(next); if (reachable(next, target, seen)) return true; }
    }
    return false;
  };
  return deps.filter((d) => !deps.some((other) => other !== d && reachable(other, d)));
}

function render() {
  const run = state.run;
  if (!run) return;
  const svg = $("graph");
  svg.replaceChildren();
  const level = levels(run.tasks);
  const columns = [];
  for (const name of run.order) {
    const l = level.get(name) || 0;
    (columns[l] = columns[l] || []).push(name);
  }
  const position = new Map();
  columns.forEach((names, col) => (names || []).forEach((name, row) => position.set(name, {
    x: PAD + col * (NODE_W + COL_GAP), y: PAD + row * (NODE_H + ROW_GAP) })));
  const rows = Math.max(1, ...columns.map((c) => (c || []).length));
  const width = PAD * 2 + Math.max(1, columns.length) * (NODE_W + COL_GAP) - COL_GAP;
  const height = PAD * 2 + rows * (NODE_H + ROW_GAP) - ROW_GAP;
  // drawn at natural size, shrunk by CSS to fit the card when the graph is wide
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width); svg.setAttribute("height", height);
  for (const [name, node] of run.tasks) {
    for (const dep of directDeps(run.tasks, node)) {
      const from = position.get(dep), to = position.get(name);
      if (!from || !to) continue;
      const path = document.createElementNS(SVG_NS, "path");
      const x1 = from.x + NODE_W, y1 = from.y + NODE_H / 2, x2 = to.x, y2 = to.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      path.setAttribute("d", `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`);
      path.setAttribute("class", "edge");
      svg.appendChild(path);
    }
  }
  for (const [name, node] of run.tasks) {
    const at = position.get(name);
    const group = document.createElementNS(SVG_NS, "g");
    group.setAttribute("class", `node ${node.state}${run.selected === name ? " selected" : ""}`);
    group.setAttribute("data-task", name);
    group.setAttribute("data-state", node.state);
    group.setAttribute("transform", `translate(${at.x},${at.y})`);
    const rect = document.createElementNS(SVG_NS, "rect");
    rect.setAttribute("width", NODE_W); rect.setAttribute("height", NODE_H);
    const label = document.createElementNS(SVG_NS, "text");
    label.setAttribute("x", 10); label.setAttribute("y", NODE_H / 2 + 4);
    label.textContent = name.length > 22 ? `${name.slice(0, 21)}…` : name;
    const title = document.createElementNS(SVG_NS, "title");
    title.textContent = `${name} (${node.capability || "?"}): ${node.state}`;
    group.append(rect, label, title);
    group.addEventListener("click", () => { run.selected = name; render(); });
    svg.appendChild(group);
  }
  const total = run.tasks.size;
  const done = [...run.tasks.values()].filter((t) => DONE.has(t.state)).length;
  const finished = DONE.has(run.status);
  const percent = finished ? 100 : total ? Math.min(99, Math.round((100 * done) / total)) : 0;
  $("progress-bar").style.width = `${percent}%`;
  $("progress-bar").setAttribute("aria-valuenow", String(percent));
  $("progress-text").textContent = `${done}/${total} tasks done · ${percent}%`;
  if (run.selected) {
    $("task-log-name").textContent = run.selected;
    $("task-log").textContent = run.log.filter((e) => e.task === run.selected).map((e) => e.line).join("\n");
  }
}

// ---- downloads, lists --------------------------------------------------------------------

async function download() {
  const run = state.run;
  try {
    const response = await api(`/api/projects/${run.id}/artifacts.zip`);
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url; link.download = name ? name[1] : `${run.id}.zip`;
    document.body.appendChild(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) { $("generate-error").textContent = error.message; }
}

async function cancelRun() {
  try { await api(`/api/projects/${state.run.id}/cancel`, { method: "POST" }); }
  catch (error) { $("generate-error").textContent = error.message; }
}

async function loadProjects() {
  const projects = await (await api("/api/projects")).json();
  const body = $("projects").querySelector("tbody");
  body.replaceChildren();
  for (const p of projects) {
    const tr = document.createElement("tr");
    tr.className = "clickable"; tr.dataset.project = p.id;
    const cells = [p.project_name || p.requirement.slice(0, 50), p.status,
      p.shared ? `${p.owner} (shared)` : p.owner, new Date(p.created_at).toLocaleString()];
    for (const text of cells) { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); }
    tr.children[1].innerHTML = "";
    const badge = document.createElement("span"); badge.className = `badge ${p.status}`; badge.textContent = p.status;
    tr.children[1].appendChild(badge);
    tr.addEventListener("click", () => follow(p.id, p.requirement));
    body.appendChild(tr);
  }
}

async function loadAgents() {
  if (!state.token) return;
  let status;
  try { status = await (await api("/api/agents/status")).json(); } catch (_) { return; }
  $("agents-summary").textContent = `${status.active_runs} active run(s) · queue ${status.queue_depth}`;
  const body = $("agents").querySelector("tbody");
  body.replaceChildren();
  for (const a of status.agents) {
    const tr = document.createElement("tr");
    for (const text of [a.name, a.kind, a.state, a.completed, a.failed]) {
      const td = document.createElement("td"); td.textContent = String(text); tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  if (!status.agents.length) {
    const tr = document.createElement("tr"); const td = document.createElement("td");
    td.colSpan = 5; td.className = "muted"; td.textContent = "no agents have worked yet";
    tr.appendChild(td); body.appendChild(tr);
  }
}

$("login-form").addEventListener("submit", login);
$("generate-form").addEventListener("submit", generate);
$("logout").addEventListener("click", logout);
$("download").addEventListener("click", download);
$("cancel").addEventListener("click", cancelRun);
$("refresh-projects").addEventListener("click", loadProjects);
if (state.token) enter();
