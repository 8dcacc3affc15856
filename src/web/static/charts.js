/* global document */
// Small SVG bar charts drawn in the page (no library, nothing fetched): horizontal bars, one row
// per category, the series stacked. The figures are always in a table beside the chart; the SVG
// is a picture of them (role="img" with a label), its bars carry a <title> for pointer users.
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1)).replace(".", ",");

/**
 * @param {{ label: string, categories: string[], series: { name: string, color: string,
 *   values: number[] }[], unit?: string, max?: number, width?: number }} spec
 */
export function barChart(spec) {
  const { categories, series } = spec;
  const unit = spec.unit ?? "";
  const rowH = 30;
  const width = spec.width ?? 640;
  const labelW = Math.round(width * 0.36);
  const labelChars = Math.max(10, Math.floor(labelW / 8.6));
  const barW = width - labelW - 64;
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const top = spec.max ?? Math.max(1, ...totals);

  // Legend, wrapped onto as many lines as it needs.
  const legend = [];
  let x = 0;
  let line = 0;
  for (const s of series) {
    const w = 28 + s.name.length * 8.5;
    if (x > 0 && x + w > width) {
      x = 0;
      line += 1;
    }
    legend.push({ s, x, y: 4 + line * 22 });
    x += w;
  }
  const legendH = 28 + line * 22;
  const height = legendH + rowH * Math.max(1, categories.length) + 8;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    "aria-label": spec.label,
    class: "bar-chart",
  });
  root.append(svg("title", {}, spec.label));
  for (const { s, x: lx, y } of legend) {
    root.append(svg("rect", { x: lx, y, width: 14, height: 14, fill: s.color, rx: 2 }));
    root.append(svg("text", { x: lx + 19, y: y + 12, class: "legend" }, s.name));
  }

  categories.forEach((name, i) => {
    const y = legendH + i * rowH;
    const label = svg("text", { x: labelW - 8, y: y + 20, "text-anchor": "end", class: "cat" });
    label.textContent = clip(name, labelChars);
    label.append(svg("title", {}, name));
    root.append(label);
    let offset = labelW;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      const w = (v / top) * barW;
      if (w > 0) {
        const bar = svg("rect", {
          x: offset,
          y: y + 5,
          width: w,
          height: rowH - 10,
          fill: s.color,
        });
        bar.append(svg("title", {}, `${name} — ${s.name}: ${fmt(v)}${unit}`));
        root.append(bar);
        offset += w;
      }
    }
    root.append(
      svg("text", { x: offset + 6, y: y + 20, class: "value" }, `${fmt(totals[i] ?? 0)}${unit}`),
    );
  });
  if (categories.length === 0) {
    root.append(svg("text", { x: labelW, y: legendH + 20, class: "cat" }, "Không có số liệu"));
  }
  return root;
}
