#include "report/graph_dot.h"

#include <map>
#include <set>

#include "report/external_tool.h"
#include "report/html.h"

namespace ferry::report {
namespace {

// Fill colours by kind of op, so that the structure of a network shows at a glance.
std::string FillColor(const std::string& op) {
  static const std::map<std::string, std::string> kColors = {{"Conv", "#d0e3ff"},
                                                             {"Conv2D", "#d0e3ff"},
                                                             {"ConvTranspose", "#d0e3ff"},
                                                             {"DepthwiseConv2dNative", "#d0e3ff"},
                                                             {"Gemm", "#c8ecf5"},
                                                             {"MatMul", "#c8ecf5"},
                                                             {"BatchMatMulV2", "#c8ecf5"},
                                                             {"Relu", "#ffd8d3"},
                                                             {"Relu6", "#ffd8d3"},
                                                             {"LeakyRelu", "#ffd8d3"},
                                                             {"Sigmoid", "#ffd8d3"},
                                                             {"Tanh", "#ffd8d3"},
                                                             {"Clip", "#ffd8d3"},
                                                             {"HardSwish", "#ffd8d3"},
                                                             {"Elu", "#ffd8d3"},
                                                             {"MaxPool", "#d4f2d6"},
                                                             {"AveragePool", "#d4f2d6"},
                                                             {"AvgPool", "#d4f2d6"},
                                                             {"GlobalAveragePool", "#d4f2d6"},
                                                             {"BatchNormalization", "#e6dcff"},
                                                             {"FusedBatchNormV3", "#e6dcff"},
                                                             {"LayerNormalization", "#e6dcff"},
                                                             {"Softmax", "#ffe7c2"},
                                                             {"LogSoftmax", "#ffe7c2"},
                                                             {"Add", "#fff4b8"},
                                                             {"AddV2", "#fff4b8"},
                                                             {"Mul", "#fff4b8"},
                                                             {"Sub", "#fff4b8"},
                                                             {"Div", "#fff4b8"},
                                                             {"BiasAdd", "#fff4b8"}};
  auto it = kColors.find(op);
  return it == kColors.end() ? "#eef1f4" : it->second;
}

std::string Shorten(const std::string& s, int max_chars) {
  if (static_cast<int>(s.size()) <= max_chars || max_chars < 8) return s;
  const int keep = max_chars - 3;
  return s.substr(0, keep / 2) + "..." + s.substr(s.size() - (keep - keep / 2));
}

// DOT quoted string.
std::string Quote(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    r += c;
  }
  return r + "\"";
}

std::string TypeAndShape(const ir::Value* v) {
  if (v->is_constant()) return v->constant().DebugString();
  return std::string(DataTypeName(v->dtype())) + v->info().ShapeString();
}

// A row of an HTML-like label (graphviz's <TABLE> labels); text is escaped here.
std::string Row(const std::string& text, const std::string& font) {
  return "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\">" + font + EscapeXml(text) + "</FONT></TD></TR>";
}

// Drawn as part of its consumers rather than as a box.
bool IsFolded(const ir::Graph& g, const ir::Node& n) {
  if (n.op_type() != "Identity" || n.num_outputs() != 1 || g.IsGraphOutput(n.output(0)))
    return false;
  const ir::Value* in = n.input(0);
  return in && in->is_constant();
}

}  // namespace

const ir::Value* FoldedConstant(const ir::Value* v) {
  if (!v) return nullptr;
  if (v->is_constant()) return v;
  const ir::Node* p = v->producer();
  if (p && p->op_type() == "Identity" && p->input(0) && p->input(0)->is_constant())
    return p->input(0);
  return nullptr;
}

std::string NodeElementId(int index) { return "node" + std::to_string(index); }
std::string InputElementId(int index) { return "input" + std::to_string(index); }
std::string OutputElementId(int index) { return "output" + std::to_string(index); }

std::string GraphToDot(const ir::Graph& g, const DotOptions& options) {
  std::string d = "digraph " + Quote(g.name().empty() ? "graph" : g.name()) + " {\n";
  d += "  graph [rankdir=TB, nodesep=0.25, ranksep=0.35, fontname=\"Helvetica\", "
       "bgcolor=\"white\"];\n";
  d += "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, "
       "color=\"#8c959f\", penwidth=1, margin=\"0.08,0.04\"];\n";
  d += "  edge [color=\"#6e7781\", arrowsize=0.6, fontname=\"Helvetica\", fontsize=9];\n";

  const std::string small = "<FONT POINT-SIZE=\"9\" COLOR=\"#424a53\">";
  const std::string tiny = "<FONT POINT-SIZE=\"8\" COLOR=\"#6e7781\">";
  // Where each value comes from: a node's element id, or a graph input's.
  std::map<const ir::Value*, std::string> source;
  for (size_t i = 0; i < g.inputs().size(); ++i) {
    const ir::Value* v = g.inputs()[i];
    const std::string id = InputElementId(static_cast<int>(i));
    source[v] = id;
    d += "  " + id + " [id=" + Quote(id) + ", shape=box, style=\"rounded,filled\", " +
         "fillcolor=\"#ffffff\", penwidth=1.5, label=<<TABLE BORDER=\"0\" CELLSPACING=\"0\" " +
         "CELLPADDING=\"1\"><TR><TD><B>" + EscapeXml(Shorten(v->name(), options.max_label_chars)) +
         "</B></TD></TR>" + Row(TypeAndShape(v), small) + "</TABLE>>];\n";
  }
  int index = 0;
  std::map<const ir::Node*, std::string> node_id;
  for (const auto& n : g.nodes()) {
    const std::string id = NodeElementId(index++);
    node_id[n.get()] = id;
    for (int k = 0; k < n->num_outputs(); ++k) source[n->output(k)] = id;
  }
  for (const auto& n : g.nodes()) {
    if (IsFolded(g, *n)) continue;
    const std::string& id = node_id[n.get()];
    std::string label =
        "<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\"><TR><TD><B>" +
        EscapeXml(n->domain().empty() || n->domain() == "tf" ? n->op_type()
                                                             : n->domain() + "." + n->op_type()) +
        "</B></TD></TR>";
    if (!n->name().empty())
      label += "<TR><TD>" + small + EscapeXml(Shorten(n->name(), options.max_label_chars)) +
               "</FONT></TD></TR>";
    // Folded initializers: input position and shape.
    for (int k = 0; k < n->num_inputs(); ++k) {
      const ir::Value* v = FoldedConstant(n->input(k));
      if (!v) continue;
      const Tensor& t = v->constant();
      if (t.NumElements() == 1 && t.dtype() != DataType::kString) {
        label += Row("in" + std::to_string(k) + " = " + FormatNumber(t.GetAsDouble(0)), tiny);
      } else if (t.NumElements() <= 8 && t.rank() == 1 && t.dtype() != DataType::kString) {
        // Small vectors (perms, axes, shapes) say more by their values than by their type.
        std::string values;
        for (int64_t i = 0; i < t.NumElements(); ++i)
          values += (i ? "," : "") + FormatNumber(t.GetAsDouble(i));
        label += Row("in" + std::to_string(k) + " = [" + values + "]", tiny);
      } else {
        label += Row("in" + std::to_string(k) + " " + t.DebugString(), tiny);
      }
    }
    for (int k = 0; k < n->num_outputs(); ++k)
      label += Row("\xE2\x86\x92 " + TypeAndShape(n->output(k)), small);  // U+2192 arrow
    label += "</TABLE>";
    d += "  " + id + " [id=" + Quote(id) + ", fillcolor=" + Quote(FillColor(n->op_type())) +
         ", tooltip=" + Quote(n->op_type() + " " + n->name()) + ", label=<" + label + ">];\n";
    // One edge per distinct non-constant source; several inputs from one producer share it.
    std::set<std::string> drawn;
    for (const ir::Value* v : n->inputs()) {
      if (!v || FoldedConstant(v)) continue;
      auto it = source.find(v);
      if (it == source.end() || !drawn.insert(it->second).second) continue;
      d += "  " + it->second + " -> " + id + ";\n";
    }
  }
  for (size_t i = 0; i < g.outputs().size(); ++i) {
    const ir::Value* v = g.outputs()[i];
    const std::string id = OutputElementId(static_cast<int>(i));
    d += "  " + id + " [id=" + Quote(id) + ", shape=box, style=\"rounded,filled\", " +
         "fillcolor=\"#f6f8fa\", penwidth=1.5, label=<<TABLE BORDER=\"0\" CELLSPACING=\"0\" " +
         "CELLPADDING=\"1\"><TR><TD><B>" + EscapeXml(Shorten(v->name(), options.max_label_chars)) +
         "</B></TD></TR>" + Row(TypeAndShape(v), small) + "</TABLE>>];\n";
    auto it = source.find(v);
    if (it != source.end()) d += "  " + it->second + " -> " + id + ";\n";
  }
  d += "}\n";
  return d;
}

StatusOr<std::string> RenderDotToSvg(const std::string& dot, const std::string& dot_program) {
  auto svg = RunProgram({dot_program, "-Tsvg"}, dot, "graphviz");
  if (!svg.ok()) return svg.status().WithContext("rendering the graph with graphviz");
  return svg;
}

}  // namespace ferry::report
