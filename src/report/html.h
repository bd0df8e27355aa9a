// Small helpers shared by every page and picture ferry writes: escaping, number formatting
// and the self-contained HTML page shell (no external scripts, styles or fonts: the pages
// must open on a machine without network access).
#pragma once

#include <string>
#include <string_view>

namespace ferry::report {

// Escapes &, <, >, " and ' for HTML/XML text and attribute values.
std::string EscapeXml(std::string_view s);

// JSON text made safe to embed in a <script> element ("</" cannot close it early).
std::string ScriptSafeJson(std::string json);

// "%.*g" with `digits` significant digits.
std::string FormatNumber(double v, int digits = 4);
// 1234567 -> "1.23 M"; for FLOPs and parameter counts.
std::string HumanCount(double v);

// A complete page: <!doctype html>, <meta charset>, the common stylesheet, `head_extra`
// (more <style>), `body` and `script` (inline JavaScript, may be empty).
std::string HtmlPage(const std::string& title, const std::string& body,
                     const std::string& head_extra = "", const std::string& script = "");

}  // namespace ferry::report
