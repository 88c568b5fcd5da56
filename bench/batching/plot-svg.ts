/**
 * A small hand-written SVG line chart: one row per model, two panels per row (answered vs offered load,
 * p99 vs offered load on a log scale), one line per policy, plus a dashed reference line per panel.
 */
export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  series: Series[];
  reference?: { y: number; label: string };
}

const PANEL_W = 460;
const PANEL_H = 300;
const MARGIN = { left: 64, right: 16, top: 34, bottom: 46 };

export function renderSvg(title: string, rows: Panel[][], legend: Series[]): string {
  const width = 2 * (PANEL_W + MARGIN.left + MARGIN.right);
  const rowH = PANEL_H + MARGIN.top + MARGIN.bottom;
  const height = 40 + rows.length * rowH + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  rows.forEach((row, r) =>
    row.forEach((panel, c) => parts.push(renderPanel(panel, c * (PANEL_W + MARGIN.left + MARGIN.right), 40 + r * rowH))),
  );
  legend.forEach((series, i) => {
    const x = 20 + i * 150;
    const y = height - 14;
    parts.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 24}" y2="${y - 4}" stroke="${series.color}" stroke-width="2.5"/>`);
    parts.push(`<text x="${x + 30}" y="${y}">${escape(series.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function renderPanel(panel: Panel, left: number, top: number): string {
  const all = panel.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y) && p.y > 0);
  const xMax = niceCeil(Math.max(...all.map((p) => p.x)));
  const ys = [...all.map((p) => p.y), ...(panel.reference ? [panel.reference.y] : [])];
  const yMin = panel.logY ? 10 ** Math.floor(Math.log10(Math.min(...ys))) : 0;
  const yMax = panel.logY ? 10 ** Math.ceil(Math.log10(Math.max(...ys))) : niceCeil(Math.max(...ys) * 1.05);
  const x0 = left + MARGIN.left;
  const y0 = top + MARGIN.top;
  const sx = (x: number): number => x0 + (x / xMax) * PANEL_W;
  const sy = (y: number): number =>
    panel.logY
      ? y0 + PANEL_H - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * PANEL_H
      : y0 + PANEL_H - (y / yMax) * PANEL_H;
  const out: string[] = [
    `<text x="${x0 + PANEL_W / 2}" y="${top + 20}" text-anchor="middle" font-weight="bold">${escape(panel.title)}</text>`,
    `<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#888"/>`,
    `<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H + 36}" text-anchor="middle">${escape(panel.xLabel)}</text>`,
    `<text transform="translate(${left + 16},${y0 + PANEL_H / 2}) rotate(-90)" text-anchor="middle">${escape(panel.yLabel)}</text>`,
  ];
  for (let i = 0; i <= 5; i += 1) {
    const x = (xMax * i) / 5;
    out.push(`<text x="${sx(x)}" y="${y0 + PANEL_H + 16}" text-anchor="middle">${formatTick(x)}</text>`);
  }
  const yTicks = panel.logY
    ? Array.from({ length: Math.round(Math.log10(yMax / yMin)) + 1 }, (_, i) => yMin * 10 ** i)
    : Array.from({ length: 6 }, (_, i) => (yMax * i) / 5);
  for (const y of yTicks) {
    out.push(`<line x1="${x0}" y1="${sy(y)}" x2="${x0 + PANEL_W}" y2="${sy(y)}" stroke="#eee"/>`);
    out.push(`<text x="${x0 - 6}" y="${sy(y) + 4}" text-anchor="end">${formatTick(y)}</text>`);
  }
  if (panel.reference) {
    const y = sy(panel.reference.y);
    out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + PANEL_W}" y2="${y}" stroke="#444" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${x0 + 6}" y="${y - 5}" fill="#444">${escape(panel.reference.label)}</text>`);
  }
  for (const series of panel.series) {
    const points = series.points.filter((p) => Number.isFinite(p.y) && p.y > 0 && (!panel.logY || p.y >= yMin));
    if (points.length === 0) continue;
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
    for (const p of points) out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${series.color}"/>`);
  }
  return out.join('\n');
}

function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

function formatTick(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
