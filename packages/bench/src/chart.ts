// A horizontal bar chart as plain SVG text: one group per comparison, one bar per server.

export interface ChartGroup {
  title: string;
  bars: Array<{ label: string; value: number; min: number; max: number; ours: boolean; note?: string }>;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function throughputChart(groups: readonly ChartGroup[], title: string): string {
  const width = 820;
  const labelWidth = 190;
  const valueWidth = 170;
  const plotWidth = width - labelWidth - valueWidth - 20;
  const barHeight = 18;
  const gap = 6;
  const groupGap = 28;
  const scale = Math.max(...groups.flatMap((g) => g.bars.map((b) => b.max)), 1);
  const parts: string[] = [];
  let y = 40;
  for (const group of groups) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${escape(group.title)}</text>`);
    y += 10;
    for (const bar of group.bars) {
      const w = (bar.value / scale) * plotWidth;
      const x0 = labelWidth + (bar.min / scale) * plotWidth;
      const x1 = labelWidth + (bar.max / scale) * plotWidth;
      const mid = y + barHeight / 2;
      parts.push(
        `<text x="${labelWidth - 8}" y="${mid + 4}" text-anchor="end">${escape(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${bar.ours ? '#2f6fb3' : '#a9b4c2'}"/>`,
        // Whisker: the lowest and highest round.
        `<line x1="${x0.toFixed(1)}" y1="${mid}" x2="${x1.toFixed(1)}" y2="${mid}" stroke="#222" stroke-width="1.5"/>`,
        `<line x1="${x0.toFixed(1)}" y1="${mid - 5}" x2="${x0.toFixed(1)}" y2="${mid + 5}" stroke="#222"/>`,
        `<line x1="${x1.toFixed(1)}" y1="${mid - 5}" x2="${x1.toFixed(1)}" y2="${mid + 5}" stroke="#222"/>`,
        `<text x="${(labelWidth + plotWidth + 10).toFixed(1)}" y="${mid + 4}">${Math.round(bar.value).toLocaleString('en-US')} req/s${bar.note ? ` (${escape(bar.note)})` : ''}</text>`,
      );
      y += barHeight + gap;
    }
    y += groupGap - gap;
  }
  const height = y;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
