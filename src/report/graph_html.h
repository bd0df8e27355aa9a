// `ferry inspect MODEL --format html`: one self-contained page (inline SVG, CSS and
// JavaScript; nothing fetched from the network) showing the graph as graphviz lays it out,
// with pan (drag) and zoom (wheel, buttons), a click on a node listing its attributes, input
// and output types and shapes, FLOPs and the min/max/mean/std of each weight, and a search
// box over node names and op types.
//
// The page exposes `window.ferryGraph = {nodes, select(id), search(text)}` so that tests
// (and curious users, from the console) can drive it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "ir/graph.h"

namespace ferry::report {

struct GraphHtmlOptions {
  std::string title;  // shown in the page header, e.g. the model path
  std::string dot_program = "dot";
};

// What the page shows of each node, keyed by the element ids of graph_dot.h: op, name,
// domain, attrs (as display strings), inputs/outputs ({name, type, constant, stats}), flops.
nlohmann::json GraphPanelData(const ir::Graph& g);

// One attribute as the page and the text listing show it; long lists and tensors abridged.
std::string AttributeToString(const ir::Attribute& a);

StatusOr<std::string> GraphToHtml(const ir::Graph& g, const GraphHtmlOptions& options);

}  // namespace ferry::report
