/**
 * The script report.html runs: draws every chart of the page's data with uPlot (inlined beside
 * it), one canvas per chart, axis names with units around it in the page, and a legend that shows
 * each series' value under the pointer. Plain ES5 so that any browser opens the file from disk.
 */
export const CLIENT_JS = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2014';
    var a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 1e4) return Math.round(v).toLocaleString('en');
    if (a < 1e-3) return v.toExponential(2);
    return String(+v.toPrecision(4));
  }
  function tick(v) {
    if (v === null || v === undefined) return '';
    var a = Math.abs(v);
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e4) return +(v / 1e3).toPrecision(3) + 'k';
    if (a !== 0 && a < 1e-3) return v.toExponential(0);
    return String(+v.toPrecision(4));
  }
  function hexAlpha(hex, alpha) {
    return hex + Math.round(alpha * 255).toString(16).padStart(2, '0');
  }
  var charts = [];
  data.charts.forEach(function (c) {
    var fig = document.getElementById(c.id);
    var plot = fig.querySelector('.plot');
    var tables = [];
    var series = [{ label: c.xLabel, value: function (u, v) { return v === null || v === undefined ? '\u2014' : c.xCategories ? c.xCategories[Math.round(v)] : fmt(v) + ' ' + c.xUnit; } }];
    var bands = [];
    var unit = c.yUnit ? ' ' + c.yUnit : '';
    var value = function (u, v) { return v === null || v === undefined ? '\u2014' : fmt(v) + unit; };
    c.series.forEach(function (s, k) {
      var colour = COLOURS[k % COLOURS.length];
      var style = s.style || 'line';
      tables.push([s.x, s.y]);
      var cfg = { label: s.label, stroke: colour, width: style === 'dash' ? 2 : 1.5, value: value, spanGaps: false,
        points: { show: style === 'points' || s.x.length <= 30, size: style === 'points' ? 7 : 5, fill: colour } };
      if (style === 'dash') cfg.dash = [6, 4];
      if (style === 'points') cfg.paths = function () { return null; };
      if (style === 'step') cfg.paths = uPlot.paths.stepped({ align: 1 });
      series.push(cfg);
      if (s.band) {
        var at = series.length;
        tables.push([s.x, s.band.upper]);
        tables.push([s.x, s.band.lower]);
        series.push({ label: s.label + ': 95 % CI high', stroke: hexAlpha(colour, 0.35), width: 1, value: value, points: { show: false } });
        series.push({ label: s.label + ': 95 % CI low', stroke: hexAlpha(colour, 0.35), width: 1, value: value, points: { show: false } });
        bands.push({ series: [at, at + 1], fill: hexAlpha(colour, 0.15) });
      }
    });
    var joined = uPlot.join(tables);
    var xScale = { time: false };
    if (c.logX) xScale.distr = 3;
    var xAxis = { values: function (u, splits) { return splits.map(tick); }, size: 36 };
    if (c.xCategories) {
      var n = c.xCategories.length;
      xScale.range = function () { return [-0.5, n - 0.5]; };
      xAxis.splits = function () { return c.xCategories.map(function (_, i) { return i; }); };
      xAxis.values = function (u, splits) { return splits.map(function (i) { return c.xCategories[i] === undefined ? '' : c.xCategories[i]; }); };
    }
    var yScale = { auto: true };
    if (c.yUnit === '%' && /share at or below/.test(c.yLabel)) yScale.range = function () { return [0, 100]; };
    var opts = {
      width: Math.max(280, plot.clientWidth), height: 250,
      scales: { x: xScale, y: yScale },
      axes: [xAxis, { values: function (u, splits) { return splits.map(tick); }, size: 56 }],
      series: series, bands: bands,
      legend: { live: true },
      cursor: { points: { size: 7 } },
    };
    var u = new uPlot(opts, joined, plot);
    // The legend (with the values under the pointer) goes below the x axis's name.
    var legend = u.root.querySelector('.u-legend');
    if (legend) fig.appendChild(legend);
    charts.push(u);
  });
  window.splitsimCharts = charts;
  var resizing = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      charts.forEach(function (u) { u.setSize({ width: Math.max(280, u.root.parentNode.clientWidth), height: 250 }); });
    }, 100);
  });
})();
`;
