#include "report/html.h"

#include <cmath>
#include <cstdio>

namespace ferry::report {
namespace {

constexpr char kBaseCss[] = R"css(
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --panel:#f6f8fa;
        --accent:#0969da; --bad:#cf222e; --good:#1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial,
       sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
.muted { color: var(--muted); }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left;
         vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
              font-size: 12.5px; }
.pass { color: var(--good); font-weight: 600; }
.fail { color: var(--bad); font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.charts > div { border: 1px solid var(--line); border-radius: 6px; padding: 4px; }
)css";

}  // namespace

std::string EscapeXml(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        r += "&amp;";
        break;
      case '<':
        r += "&lt;";
        break;
      case '>':
        r += "&gt;";
        break;
      case '"':
        r += "&quot;";
        break;
      case '\'':
        r += "&#39;";
        break;
      default:
        r += c;
    }
  }
  return r;
}

std::string ScriptSafeJson(std::string json) {
  std::string r;
  r.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    // "</script>" and "<!--" inside a string literal would end or confuse the script element.
    if (json[i] == '<') {
      r += "\\u003c";
    } else {
      r += json[i];
    }
  }
  return r;
}

std::string FormatNumber(double v, int digits) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string HumanCount(double v) {
  static const char* kUnits[] = {"", " K", " M", " G", " T", " P"};
  int u = 0;
  while (std::fabs(v) >= 1000 && u < 5) {
    v /= 1000;
    ++u;
  }
  char buf[64];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g%s", v, kUnits[u]);
  return buf;
}

std::string HtmlPage(const std::string& title, const std::string& body,
                     const std::string& head_extra, const std::string& script) {
  std::string p = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  p += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  p += "<title>" + EscapeXml(title) + "</title>\n<style>" + kBaseCss + head_extra +
       "</style>\n</head>\n<body>\n";
  p += body;
  if (!script.empty()) p += "\n<script>\n" + script + "\n</script>\n";
  p += "</body>\n</html>\n";
  return p;
}

}  // namespace ferry::report
