"use strict";
// The leaders' chart page: reads /stats/* with the token typed in, draws plain SVG.
// No library, no network beyond this API; text from the API goes in as text, never HTML.

const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

// --- a small SVG chart kit -------------------------------------------------------------

function el(parent, name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  parent.appendChild(node);
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// A round top for the count axis (1, 2 or 5 times a power of ten per tick, five ticks).
function niceScale(max) {
  const power = Math.pow(10, Math.floor(Math.log10(Math.max(max, 1) / 5)));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s * 5 >= max));
  return { top: Math.max(step * 5, 1), step };
}

// Grouped bars: `labels` along x; each series {key, name, labels, values} one bar per label.
function barChart(svg, labels, series) {
  clear(svg);
  const W = 760, H = 260, L = 44, R = 12, T = 28, B = 34;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const all = series.flatMap((s) => s.values.filter((v) => v !== null));
  const { top, step } = niceScale(Math.max(0, ...all));
  const y = (v) => T + (H - T - B) * (1 - v / top);
  for (let v = 0; v <= top + 1e-9; v += step) {
    el(svg, "line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" });
    el(svg, "text", { x: L - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, +v.toFixed(2));
  }
  const group = (W - L - R) / Math.max(labels.length, 1);
  const bar = (group * 0.8) / series.length;
  labels.forEach((label, i) => {
    const x0 = L + i * group + group * 0.1;
    el(svg, "text", { x: x0 + group * 0.4, y: H - B + 16, class: "tick", "text-anchor": "middle" },
      label.slice(5) === "01" || i === 0 ? label : label.slice(5));
    series.forEach((s, k) => {
      const v = s.values[i];
      if (v === null || v === undefined) return;
      const rect = el(svg, "rect", {
        x: x0 + k * bar, y: y(v), width: Math.max(bar - 2, 1), height: y(0) - y(v),
        class: `bar s${k}`, "data-series": s.key, "data-month": s.labels[i], "data-value": v,
      });
      el(rect, "title", {}, `${s.labels[i]} ${s.name}：${v}`);
    });
  });
  series.forEach((s, k) => {
    el(svg, "rect", { x: L + k * 130, y: 6, width: 12, height: 12, class: `bar s${k}` });
    el(svg, "text", { x: L + k * 130 + 16, y: 16, class: "legend" }, s.name);
  });
}

// Horizontal bars of the district scores (100 = no deduction), best first.
function scoreChart(svg, rows) {
  clear(svg);
  const W = 760, rowH = 24, L = 90, R = 40, T = 8;
  const H = T * 2 + rowH * rows.length;
  svg.setAttribute("viewBox", `0 0 ${W} ${Math.max(H, 40)}`);
  const low = Math.min(0, ...rows.map((r) => r.score));
  const x = (v) => L + ((W - L - R) * (v - low)) / (100 - low);
  rows.forEach((r, i) => {
    const yy = T + i * rowH;
    el(svg, "text", { x: L - 6, y: yy + 16, class: "tick", "text-anchor": "end" }, r.district);
    el(svg, "rect", {
      x: x(Math.min(0, r.score)), y: yy + 3, width: Math.abs(x(r.score) - x(0)), height: rowH - 6,
      class: "bar s0", "data-district": r.district, "data-value": r.score,
    });
    el(svg, "text", { x: x(Math.max(0, r.score)) + 4, y: yy + 16, class: "tick" }, r.score);
  });
}

// --- the page ----------------------------------------------------------------------------

const RULES = {
  overdue_tasks: "超期督办",
  repeat_petitions: "重复信访",
  failed_linked_updates: "联动更新失败",
  unmet_statutory_deadlines: "超法定期限",
};
const percent = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
const plain = (v) => (v === null || v === undefined ? "—" : String(v));
const KPIS = [
  ["petitions", "total", "信访总量", plain],
  ["petitions", "repeatRate", "重复信访率", percent],
  ["petitions", "firstContactResolutionRate", "初次信访化解率", percent],
  ["petitions", "averageDaysToClose", "平均办结天数", plain],
  ["petitions", "notAccepted", "不予受理", plain],
  ["identity", "applications", "身份信息变更申请", plain],
  ["identity", "completedWithoutFailures", "一次办结（无失败）", plain],
  ["identity", "medianHoursToComplete", "办结时长中位数（小时）", plain],
];

function lastDay(month) {
  const [y, m] = month.split("-").map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
}

function range(months) {
  return `from=${months[0]}-01&to=${lastDay(months[1])}`;
}

async function get(token, path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const fields = ((body && body.errors) || []).map((e) => `${e.field}: ${e.message}`);
    const why = (body && (body.detail || body.title)) || response.statusText;
    throw new Error(`${response.status} ${why}${fields.length ? "（" + fields.join("；") + "）" : ""}`);
  }
  return body;
}

function kpiRows(figures) {
  const body = $("kpis").tBodies[0];
  body.replaceChildren();
  for (const [series, name, label, show] of KPIS) {
    const f = figures[series][name];
    const tr = body.insertRow();
    tr.dataset.figure = `${series}.${name}`;
    const change = f.changePercent === null ? "—" : `${f.changePercent > 0 ? "+" : ""}${f.changePercent}%`;
    for (const [cls, text] of [["label", label], ["value", show(f.value)],
      ["previous", show(f.previous)], ["change", change]]) {
      const td = tr.insertCell();
      td.className = cls;
      td.textContent = text;
    }
  }
}

function rankingRows(rows) {
  const body = $("ranking").tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.district = r.district;
    const lost = r.deductions.filter((d) => d.count > 0)
      .map((d) => `${RULES[d.rule] || d.rule} ${d.count} 项 −${d.points}`).join("；") || "无扣分";
    for (const [cls, text] of [["rank", r.rank], ["district", r.district], ["score", r.score],
      ["deductions", lost]]) {
      const td = tr.insertCell();
      td.className = cls;
      td.textContent = String(text);
    }
  }
  scoreChart($("chart-ranking"), rows);
}

function monthly(svg, now, before, figure, name) {
  const labels = now.byMonth.map((m) => m.month);
  barChart(svg, labels, [
    { key: "current", name: `本期${name}`, labels, values: now.byMonth.map((m) => m[figure]) },
    { key: "previous", name: `对比期${name}`, labels: before.byMonth.map((m) => m.month),
      values: before.byMonth.map((m) => m[figure]) },
  ]);
}

async function show(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  const from = $("from").value, to = $("to").value, compareTo = $("compareTo").value;
  const status = $("status");
  status.textContent = "读取中…";
  status.className = "";
  try {
    const query = `${range([from, to])}&compareTo=${compareTo}`;
    const [petitions, identity, ranking] = await Promise.all([
      get(token, `/stats/petitions?${query}`),
      get(token, `/stats/identity-changes?${query}`),
      get(token, `/stats/districts?${range([from, to])}`),
    ]);
    const earlier = `${range(petitions.period.previousMonths)}&compareTo=${compareTo}`;
    const [petitionsBefore, identityBefore] = await Promise.all([
      get(token, `/stats/petitions?${earlier}`),
      get(token, `/stats/identity-changes?${earlier}`),
    ]);
    $("periods").textContent =
      `本期 ${petitions.period.months.join(" 至 ")}，对比期 ${petitions.period.previousMonths.join(" 至 ")}`;
    kpiRows({ petitions, identity });
    monthly($("chart-petitions"), petitions, petitionsBefore, "total", "信访件");
    monthly($("chart-identity"), identity, identityBefore, "applications", "申请");
    rankingRows(ranking);
    $("board").hidden = false;
    status.textContent = "已更新";
    status.className = "ok";
  } catch (error) {
    status.textContent = `未能读取：${error.message}`;
    status.className = "error";
  }
}

// This year so far, in China Standard Time months (the current month counts what it has).
function defaults() {
  const to = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  if (!$("to").value) $("to").value = to;
  if (!$("from").value) $("from").value = `${to.slice(0, 4)}-01`;
}

defaults();
$("query").addEventListener("submit", show);
