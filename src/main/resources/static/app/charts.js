// netforge's dashboard charts: plain SVG drawn for the width they are shown at (so a phone's labels are as large as a
// desktop's), with axis titles, ticks and a legend that wraps. No library: lines, points and bars are all they need.
// Every text from the service (feature names, class labels) is escaped.
(function () {
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

  function esc(text) {
    return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }

  // about five round ticks between lo and hi
  function ticks(lo, hi, count) {
    if (!(hi > lo)) return [lo];
    const raw = (hi - lo) / count;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(f => f * power).find(s => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }

  function label(v) {
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(1);
    return Number(v.toPrecision(6)).toLocaleString('en', { maximumFractionDigits: 4 });
  }

  function extent(values, given) {
    if (given) return given;
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (!isFinite(lo) || !isFinite(hi)) return [0, 1];
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    return [lo, hi];
  }

  function frame(width, o) {
    const w = Math.max(260, Math.round(width || 640));
    const h = Math.round(Math.min(380, Math.max(220, w * 0.62)));
    const m = { l: 62, r: 26, t: 14, b: 48 };
    return { w, h, m, iw: w - m.l - m.r, ih: h - m.t - m.b };
  }

  function axes(f, xs, ys, o) {
    const sx = v => f.m.l + (v - xs[0]) / (xs[1] - xs[0]) * f.iw;
    const sy = v => f.m.t + f.ih - (v - ys[0]) / (ys[1] - ys[0]) * f.ih;
    let s = '';
    for (const t of ticks(ys[0], ys[1], f.ih < 200 ? 4 : 6)) {
      s += `<line class="grid" x1="${f.m.l}" x2="${f.m.l + f.iw}" y1="${sy(t)}" y2="${sy(t)}"/>`
        + `<text class="tick" x="${f.m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${esc(label(t))}</text>`;
    }
    for (const t of ticks(xs[0], xs[1], f.iw < 360 ? 4 : 7)) {
      s += `<line class="grid" y1="${f.m.t}" y2="${f.m.t + f.ih}" x1="${sx(t)}" x2="${sx(t)}"/>`
        + `<text class="tick" x="${sx(t)}" y="${f.m.t + f.ih + 16}" text-anchor="middle">${esc(label(t))}</text>`;
    }
    s += `<rect class="frame" x="${f.m.l}" y="${f.m.t}" width="${f.iw}" height="${f.ih}"/>`
      + `<text class="title" x="${f.m.l + f.iw / 2}" y="${f.h - 8}" text-anchor="middle">${esc(o.xTitle || '')}</text>`
      + `<text class="title" transform="translate(14 ${f.m.t + f.ih / 2}) rotate(-90)" text-anchor="middle">${esc(o.yTitle || '')}</text>`;
    return { s, sx, sy };
  }

  function legend(items) {
    if (items.length < 2 && !(items[0] && items[0].always)) return '';
    return '<ul class="legend">' + items.map((it, i) => `<li><span class="swatch${it.dashed ? ' dashed' : ''}" style="background:${it.color || COLORS[i % COLORS.length]}"></span>${esc(it.label)}</li>`).join('') + '</ul>';
  }

  // series: [{label, points: [[x, y], ...], dots, dashed}]; xDomain/yDomain: [lo, hi]; diagonal: a dashed y = x;
  // marks: [{x, label}] vertical lines (a threshold)
  function line(o, width) {
    const f = frame(width, o);
    const all = o.series.flatMap(s => s.points);
    if (all.length === 0) return `<p class="muted">${esc(o.empty || 'Nothing to draw yet.')}</p>`;
    const xs = extent(all.map(p => p[0]), o.xDomain);
    const ys = extent(all.map(p => p[1]), o.yDomain);
    const a = axes(f, xs, ys, o);
    let s = a.s;
    if (o.diagonal) {
      s += `<line class="diagonal" x1="${a.sx(xs[0])}" y1="${a.sy(ys[0])}" x2="${a.sx(xs[1])}" y2="${a.sy(ys[1])}"/>`;
    }
    o.series.forEach((series, i) => {
      const color = series.color || COLORS[i % COLORS.length];
      const pts = series.points.filter(p => isFinite(p[0]) && isFinite(p[1]));
      if (pts.length > 1 && !series.onlyDots) {
        s += `<polyline class="curve${series.dashed ? ' dashed' : ''}${series.thin ? ' thin' : ''}" stroke="${color}" points="${pts.map(p => a.sx(p[0]).toFixed(1) + ',' + a.sy(p[1]).toFixed(1)).join(' ')}"/>`;
      }
      if (series.dots || pts.length === 1) {
        s += pts.map(p => `<circle class="dot" fill="${color}" cx="${a.sx(p[0]).toFixed(1)}" cy="${a.sy(p[1]).toFixed(1)}" r="3.5"><title>${esc(series.label + ': ' + label(p[0]) + ', ' + label(p[1]))}</title></circle>`).join('');
      }
    });
    (o.marks || []).forEach((mark, i) => {
      const x = a.sx(Math.min(xs[1], Math.max(xs[0], mark.x)));
      s += `<line class="mark" x1="${x}" x2="${x}" y1="${f.m.t}" y2="${f.m.t + f.ih}"/>`
        + `<text class="mark-label" x="${x + 4}" y="${f.m.t + 14 + 14 * i}">${esc(mark.label)}</text>`;
    });
    const items = o.series.filter(se => !se.unlisted)
      .map((se, i) => ({ label: se.label, color: se.color || COLORS[i % COLORS.length], dashed: se.dashed }));
    if (o.diagonal && o.diagonalLabel) items.push({ label: o.diagonalLabel, color: '#888', dashed: true });
    return `<svg class="chart" viewBox="0 0 ${f.w} ${f.h}" width="${f.w}" height="${f.h}" role="img" aria-label="${esc(o.title || o.yTitle + ' against ' + o.xTitle)}">${s}</svg>` + legend(items);
  }

  // bars: [{label, value, error}] drawn horizontally, largest first as given; error bars of ± error
  function bars(o, width) {
    const w = Math.max(260, Math.round(width || 640));
    const rows = o.bars.length;
    if (rows === 0) return `<p class="muted">${esc(o.empty || 'Nothing to draw.')}</p>`;
    const longest = Math.max(...o.bars.map(b => String(b.label).length));
    const m = { l: Math.min(w * 0.4, 12 + 7.2 * longest), r: 16, t: 8, b: 44 };
    const bar = 22;
    const h = m.t + m.b + rows * (bar + 6);
    const iw = w - m.l - m.r;
    const lo = Math.min(0, ...o.bars.map(b => b.value - (b.error || 0)));
    const hi = Math.max(0, ...o.bars.map(b => b.value + (b.error || 0)));
    const xs = hi > lo ? [lo, hi] : [0, 1];
    const sx = v => m.l + (v - xs[0]) / (xs[1] - xs[0]) * iw;
    let s = '';
    for (const t of ticks(xs[0], xs[1], iw < 300 ? 3 : 6)) {
      s += `<line class="grid" x1="${sx(t)}" x2="${sx(t)}" y1="${m.t}" y2="${h - m.b}"/>`
        + `<text class="tick" x="${sx(t)}" y="${h - m.b + 16}" text-anchor="middle">${esc(label(t))}</text>`;
    }
    o.bars.forEach((b, i) => {
      const y = m.t + i * (bar + 6);
      const x0 = sx(Math.min(0, b.value));
      const x1 = sx(Math.max(0, b.value));
      s += `<rect class="bar${b.value < 0 ? ' negative' : ''}" x="${x0}" y="${y}" width="${Math.max(1, x1 - x0)}" height="${bar}"><title>${esc(b.label + ': ' + label(b.value) + (b.error ? ' ± ' + label(b.error) : ''))}</title></rect>`
        + `<text class="tick" x="${m.l - 6}" y="${y + bar / 2 + 4}" text-anchor="end">${esc(String(b.label).length > 40 ? String(b.label).slice(0, 39) + '…' : b.label)}</text>`;
      if (b.error) {
        const e0 = sx(b.value - b.error);
        const e1 = sx(b.value + b.error);
        s += `<line class="error-bar" x1="${e0}" x2="${e1}" y1="${y + bar / 2}" y2="${y + bar / 2}"/>`
          + `<line class="error-bar" x1="${e0}" x2="${e0}" y1="${y + 5}" y2="${y + bar - 5}"/>`
          + `<line class="error-bar" x1="${e1}" x2="${e1}" y1="${y + 5}" y2="${y + bar - 5}"/>`;
      }
    });
    s += `<line class="axis-zero" x1="${sx(0)}" x2="${sx(0)}" y1="${m.t}" y2="${h - m.b}"/>`
      + `<text class="title" x="${m.l + iw / 2}" y="${h - 8}" text-anchor="middle">${esc(o.xTitle || '')}</text>`;
    return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(o.title || o.xTitle)}">${s}</svg>`;
  }

  window.netforgeCharts = { line, bars, esc };
})();
