#include "report/graph_html.h"

#include "ir/summary.h"
#include "report/graph_dot.h"
#include "report/html.h"
#include "report/tensor_stats.h"

namespace ferry::report {
namespace {

constexpr char kCss[] = R"css(
html, body { height: 100%; overflow: hidden; }
#bar { display: flex; align-items: center; gap: 10px; padding: 6px 12px; height: 44px;
       border-bottom: 1px solid var(--line); background: var(--panel); }
#bar h1 { font-size: 15px; margin: 0; white-space: nowrap; overflow: hidden;
          text-overflow: ellipsis; max-width: 40vw; }
#bar .stats { color: var(--muted); font-size: 12px; white-space: nowrap; }
#bar .spacer { flex: 1; }
#search { width: 240px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; }
#bar button { padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px;
              background: #fff; cursor: pointer; }
#wrap { display: flex; height: calc(100% - 44px); }
#viewport { flex: 1; position: relative; overflow: hidden; cursor: grab; background: #fff; }
#viewport.dragging { cursor: grabbing; }
#viewport svg { width: 100%; height: 100%; display: block; user-select: none; }
#side { width: 380px; border-left: 1px solid var(--line); overflow: auto; padding: 10px 14px;
        background: #fff; }
#side h2 { margin-top: 6px; font-size: 16px; border: 0; }
#side h3 { font-size: 13px; margin: 14px 0 4px; color: var(--muted); text-transform: uppercase;
           letter-spacing: .04em; }
#side table { width: 100%; font-size: 12px; }
#side td { word-break: break-all; }
#matches { list-style: none; padding: 0; margin: 4px 0; font-size: 12px; }
#matches li { padding: 2px 4px; cursor: pointer; border-radius: 4px; }
#matches li:hover { background: var(--panel); }
g.node { cursor: pointer; }
g.node.match path, g.node.match polygon { stroke: #bf8700; stroke-width: 3px; }
g.node.selected path, g.node.selected polygon { stroke: #0969da; stroke-width: 3.5px; }
g.edge.related > path { stroke: #0969da; stroke-width: 2px; }
)css";

constexpr char kScript[] = R"js(
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('graph-data').textContent);
  const viewport = document.getElementById('viewport');
  const svg = viewport.querySelector('svg');
  const side = document.getElementById('details');
  const full = svg.viewBox.baseVal;
  const graph = { x: full.x, y: full.y, w: full.width, h: full.height };
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  let view = { x: graph.x, y: graph.y, w: graph.w, h: graph.h };

  function apply() {
    svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].join(' '));
  }
  function aspect() {
    const r = viewport.getBoundingClientRect();
    return { w: r.width || 1, h: r.height || 1 };
  }
  // The whole graph when its text stays legible that way (scale >= 0.9), else its top at
  // about natural size: tall networks are read top-down.
  function fit(whole) {
    const a = aspect();
    const s = Math.min(a.w / graph.w, a.h / graph.h);
    const sc = whole || s >= 0.9 ? Math.min(s, 1.5) : Math.min(Math.max(a.w / graph.w, 0.8), 1.1);
    view = { w: a.w / sc, h: a.h / sc, x: 0, y: graph.y };
    view.x = graph.x + (graph.w - view.w) / 2;
    if (whole || s >= 0.9) view.y = graph.y + (graph.h - view.h) / 2;
    apply();
  }
  function zoom(factor, cx, cy) {
    const a = aspect();
    const px = cx === undefined ? 0.5 : cx / a.w, py = cy === undefined ? 0.5 : cy / a.h;
    const nw = view.w / factor, nh = view.h / factor;
    view.x += (view.w - nw) * px; view.y += (view.h - nh) * py; view.w = nw; view.h = nh;
    apply();
  }
  function centerOn(el) {
    const b = el.getBBox();
    const m = el.getCTM && svg.getCTM() ? svg.getCTM().inverse().multiply(el.getCTM()) : null;
    let cx = b.x + b.width / 2, cy = b.y + b.height / 2;
    if (m) {
      const p = svg.createSVGPoint();
      p.x = cx;
      p.y = cy;
      const q = p.matrixTransform(m);
      cx = q.x;
      cy = q.y;
    }
    view.x = cx - view.w / 2; view.y = cy - view.h / 2;
    apply();
  }

  viewport.addEventListener('wheel', function (e) {
    e.preventDefault();
    const r = viewport.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  let drag = null;
  viewport.addEventListener('mousedown', function (e) {
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    viewport.classList.add('dragging');
  });
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    const a = aspect();
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    const s = Math.max(view.w / a.w, view.h / a.h);
    view.x = drag.vx - dx * s; view.y = drag.vy - dy * s;
    apply();
  });
  window.addEventListener('mouseup', function () {
    viewport.classList.remove('dragging');
    setTimeout(function () { drag = null; }, 0);
  });

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function row(k, v, cls) {
    return '<tr><th>' + esc(k) + '</th><td' + (cls ? ' class="' + cls + '"' : '') + '>' +
           esc(v) + '</td></tr>';
  }
  function fmt(x) {
    const a = Math.abs(x);
    return a >= 1e4 || (a < 1e-3 && x !== 0) ? x.toExponential(3) : (+x.toPrecision(4)).toString();
  }
  function human(x) {
    const u = ['', ' K', ' M', ' G', ' T'];
    let i = 0;
    while (Math.abs(x) >= 1000 && i < 4) { x /= 1000; i++; }
    return (i ? x.toPrecision(3) : x) + u[i];
  }
  function valueTable(list) {
    let h = '<table><tr><th>#</th><th>name</th><th>type</th></tr>';
    list.forEach(function (v, i) {
      h += '<tr><td>' + i + '</td><td class="mono">' + esc(v.name || '(none)') +
           '</td><td class="mono">' + esc(v.type || '') + '</td></tr>';
      if (v.stats) {
        const s = v.stats;
        h += '<tr class="stats"><td></td><td colspan="2" class="mono">min ' + fmt(s.min) +
             ' &nbsp;max ' + fmt(s.max) + ' &nbsp;mean ' + fmt(s.mean) + ' &nbsp;std ' +
             fmt(s.std) + (s.nonfinite ? ' &nbsp;non-finite ' + s.nonfinite : '') + '</td></tr>';
      }
    });
    return h + '</table>';
  }
  let selected = null;
  function select(id) {
    const info = data.nodes[id];
    if (!info) return false;
    if (selected) selected.classList.remove('selected');
    document.querySelectorAll('g.edge.related').forEach(function (e) {
      e.classList.remove('related');
    });
    selected = document.getElementById(id);
    if (selected) {
      selected.classList.add('selected');
      document.querySelectorAll('g.edge').forEach(function (e) {
        const t = e.querySelector('title');
        const ends = t ? t.textContent.split('->').map(function (p) { return p.trim(); }) : [];
        if (ends.indexOf(id) >= 0) e.classList.add('related');
      });
    }
    let h = '<h2>' + esc(info.op) + '</h2><table>' + row('name', info.name || '(unnamed)');
    if (info.domain) h += row('domain', info.domain);
    if (info.kind) h += row('kind', info.kind);
    if (info.type) h += row('type', info.type);
    if (info.flops !== undefined) {
      h += row('FLOPs', info.flops < 0 ? 'unknown (shapes not known)' : human(info.flops), 'num');
    }
    h += '</table>';
    if (info.attrs) {
      const keys = Object.keys(info.attrs);
      h += '<h3>Attributes</h3>';
      if (keys.length === 0) h += '<p class="muted">none</p>';
      else {
        h += '<table class="attrs">';
        keys.forEach(function (k) {
          h += '<tr><th>' + esc(k) + '</th><td class="mono">' + esc(info.attrs[k]) + '</td></tr>';
        });
        h += '</table>';
      }
    }
    if (info.inputs) h += '<h3>Inputs</h3>' + valueTable(info.inputs);
    if (info.outputs) h += '<h3>Outputs</h3>' + valueTable(info.outputs);
    side.innerHTML = h;
    return true;
  }
  viewport.addEventListener('click', function (e) {
    if (drag && drag.moved) return;
    const g = e.target.closest('g.node');
    if (g && data.nodes[g.id]) select(g.id);
  });

  // Selects a node and brings it to the middle of the view.
  function show(id) {
    select(id);
    const el = document.getElementById(id);
    if (el) centerOn(el);
  }
  const search = document.getElementById('search');
  const matches = document.getElementById('matches');
  function runSearch(text) {
    const q = text.trim().toLowerCase();
    document.querySelectorAll('g.node.match').forEach(function (e) {
      e.classList.remove('match');
    });
    matches.innerHTML = '';
    if (!q) return [];
    const found = Object.keys(data.nodes).filter(function (id) {
      const n = data.nodes[id];
      return (n.name || '').toLowerCase().includes(q) || (n.op || '').toLowerCase().includes(q);
    });
    found.forEach(function (id, i) {
      const el = document.getElementById(id);
      if (el) el.classList.add('match');
      if (i < 200) {
        const li = document.createElement('li');
        li.textContent = data.nodes[id].op + '  ' + (data.nodes[id].name || id);
        li.className = 'mono';
        li.onclick = function () { show(id); };
        matches.appendChild(li);
      }
    });
    document.getElementById('match-count').textContent =
        found.length + ' match' + (found.length === 1 ? '' : 'es');
    return found;
  }
  search.addEventListener('input', function () { runSearch(search.value); });
  search.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    const found = runSearch(search.value);
    if (found.length) show(found[0]);
  });
  document.getElementById('zoom-in').onclick = function () { zoom(1.25); };
  document.getElementById('zoom-out').onclick = function () { zoom(1 / 1.25); };
  document.getElementById('zoom-fit').onclick = function () { fit(true); };
  window.addEventListener('resize', function () { fit(false); });
  fit(false);
  window.ferryGraph = {
    nodes: data.nodes, select: select, search: runSearch, view: function () { return view; },
  };
})();
)js";

std::string Abridge(const std::vector<std::string>& items, size_t max_items = 16) {
  std::string s = "[";
  for (size_t i = 0; i < items.size() && i < max_items; ++i) s += (i ? ", " : "") + items[i];
  if (items.size() > max_items) s += ", ... (" + std::to_string(items.size()) + " in all)";
  return s + "]";
}

template <typename T, typename F>
std::string ListToString(const std::vector<T>& v, F f) {
  std::vector<std::string> items;
  for (const auto& x : v) items.push_back(f(x));
  return Abridge(items);
}

nlohmann::json ValueJson(const ir::Value* v) {
  nlohmann::json j;
  if (!v) return {{"name", ""}, {"type", "(omitted)"}};
  j["name"] = v->name();
  if (const ir::Value* c = FoldedConstant(v)) {
    j["type"] = c->constant().DebugString();
    j["constant"] = true;
    TensorStats s = ComputeStats(c->constant());
    if (s.count > 0 || s.nonfinite > 0)
      j["stats"] = {{"min", s.min}, {"max", s.max},     {"mean", s.mean},
                    {"std", s.std}, {"count", s.count}, {"nonfinite", s.nonfinite}};
  } else {
    j["type"] = std::string(DataTypeName(v->dtype())) + v->info().ShapeString();
  }
  return j;
}

}  // namespace

std::string AttributeToString(const ir::Attribute& a) {
  using ir::AttrKind;
  auto num = [](double x) { return FormatNumber(x, 6); };
  switch (a.kind()) {
    case AttrKind::kInt:
      return std::to_string(a.i());
    case AttrKind::kFloat:
      return num(a.f());
    case AttrKind::kString:
      return "\"" + a.s() + "\"";
    case AttrKind::kBool:
      return a.b() ? "true" : "false";
    case AttrKind::kType:
      return DataTypeName(a.type());
    case AttrKind::kTensor: {
      const Tensor& t = a.t();
      std::string s = t.DebugString();
      if (t.NumElements() <= 8 && t.dtype() != DataType::kString) {
        std::vector<std::string> items;
        for (int64_t i = 0; i < t.NumElements(); ++i) items.push_back(num(t.GetAsDouble(i)));
        s += " " + Abridge(items);
      }
      return s;
    }
    case AttrKind::kGraph:
      return "graph '" + a.g()->name() + "' (" + std::to_string(a.g()->num_nodes()) + " nodes)";
    case AttrKind::kInts:
      return ListToString(a.ints(), [](int64_t x) { return std::to_string(x); });
    case AttrKind::kFloats:
      return ListToString(a.floats(), num);
    case AttrKind::kStrings:
      return ListToString(a.strings(), [](const std::string& x) { return "\"" + x + "\""; });
    case AttrKind::kTensors:
      return ListToString(a.tensors(), [](const Tensor& t) { return t.DebugString(); });
    case AttrKind::kGraphs:
      return ListToString(a.graphs(), [](const std::shared_ptr<ir::Graph>& g) {
        return "graph (" + std::to_string(g->num_nodes()) + " nodes)";
      });
    case AttrKind::kTypes:
      return ListToString(a.types(), [](DataType t) { return std::string(DataTypeName(t)); });
    case AttrKind::kShape: {
      if (a.shape().unknown_rank) return "<unknown rank>";
      return ListToString(a.shape().dims,
                          [](int64_t d) { return d < 0 ? std::string("?") : std::to_string(d); });
    }
  }
  return "?";
}

nlohmann::json GraphPanelData(const ir::Graph& g) {
  nlohmann::json nodes = nlohmann::json::object();
  for (size_t i = 0; i < g.inputs().size(); ++i) {
    const ir::Value* v = g.inputs()[i];
    nodes[InputElementId(static_cast<int>(i))] = {{"op", "Input"},
                                                  {"name", v->name()},
                                                  {"kind", "graph input"},
                                                  {"type", ValueJson(v)["type"]}};
  }
  int index = 0;
  for (const auto& n : g.nodes()) {
    nlohmann::json j;
    j["op"] = n->op_type();
    j["name"] = n->name();
    if (!n->domain().empty()) j["domain"] = n->domain();
    j["attrs"] = nlohmann::json::object();
    for (const auto& [k, a] : n->attrs()) j["attrs"][k] = AttributeToString(a);
    j["inputs"] = nlohmann::json::array();
    for (const ir::Value* v : n->inputs()) j["inputs"].push_back(ValueJson(v));
    j["outputs"] = nlohmann::json::array();
    for (const ir::Value* v : n->outputs()) j["outputs"].push_back(ValueJson(v));
    j["flops"] = ir::EstimateFlops(*n);
    nodes[NodeElementId(index++)] = std::move(j);
  }
  for (size_t i = 0; i < g.outputs().size(); ++i) {
    const ir::Value* v = g.outputs()[i];
    nodes[OutputElementId(static_cast<int>(i))] = {{"op", "Output"},
                                                   {"name", v->name()},
                                                   {"kind", "graph output"},
                                                   {"type", ValueJson(v)["type"]}};
  }
  return {{"nodes", nodes}};
}

StatusOr<std::string> GraphToHtml(const ir::Graph& g, const GraphHtmlOptions& options) {
  FERRY_ASSIGN_OR_RETURN(std::string svg, RenderDotToSvg(GraphToDot(g), options.dot_program));
  // Keep the <svg> element only: the XML declaration and DOCTYPE are not valid inside HTML.
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) return Internal("graphviz returned no <svg> element");
  svg.erase(0, start);
  // Graphviz names the SVG after the graph in a <title>: the page has its own title.
  const ir::GraphSummary summary = ir::Summarize(g);
  std::string body =
      "<div id=\"bar\"><h1 title=\"" + EscapeXml(options.title) + "\">" + EscapeXml(options.title) +
      "</h1><span class=\"stats\">" + std::to_string(summary.num_nodes) + " nodes &middot; " +
      HumanCount(static_cast<double>(summary.num_parameters)) + " parameters &middot; " +
      HumanCount(static_cast<double>(summary.total_flops)) +
      "FLOPs</span><span class=\"spacer\"></span>"
      "<input id=\"search\" type=\"search\" placeholder=\"Search nodes by name "
      "or op (Enter)\" autocomplete=\"off\">"
      "<button id=\"zoom-in\" title=\"zoom in\">+</button>"
      "<button id=\"zoom-out\" title=\"zoom out\">&minus;</button>"
      "<button id=\"zoom-fit\" title=\"whole graph\">fit</button></div>\n";
  body += "<div id=\"wrap\"><div id=\"viewport\">" + svg + "</div>\n<aside id=\"side\">" +
          "<div class=\"muted\" id=\"match-count\"></div><ul id=\"matches\"></ul>" +
          "<div id=\"details\"><p class=\"muted\">Click a node to see its attributes, shapes "
          "and weights. Drag to pan, wheel to zoom.</p></div></aside></div>\n";
  body += "<script type=\"application/json\" id=\"graph-data\">" +
          ScriptSafeJson(GraphPanelData(g).dump()) + "</script>\n";
  return HtmlPage(options.title.empty() ? "ferry inspect" : "ferry inspect: " + options.title, body,
                  kCss, kScript);
}

}  // namespace ferry::report
