// The timeline's quick ranges, double-click and "earlier events" notes (app.figures.framing).
// Each sets the x range with Plotly.relayout: the graph reports it as relayoutData, and the
// header, the map, the table and the URL follow it like any zoom (one path, always in step).
(function () {
  function graph() {
    var host = document.getElementById('timeline-graph');
    return host && host.querySelector('.js-plotly-plot');
  }
  function frame(gd) {
    return gd && gd.layout && gd.layout.meta && gd.layout.meta.frame;
  }
  function show(key) {
    var gd = graph();
    var f = frame(gd);
    if (!f || !f.quick[key] || !window.Plotly) { return; }
    window.Plotly.relayout(gd, {'xaxis.range': f.quick[key].slice()});
  }
  function near(a, b) {  // two ranges within a few days of each other
    var day = 86400000;
    return Math.abs(Date.parse(a[0]) - Date.parse(b[0])) < 3 * day &&
      Math.abs(Date.parse(String(a[1]).slice(0, 10)) - Date.parse(b[1])) < 3 * day;
  }
  window.geotimelineShowRange = show;
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest && event.target.closest('.range-button');
    if (button) { show(button.getAttribute('data-range')); return; }
    var note = event.target && event.target.closest && event.target.closest('#timeline-graph .annotation');
    if (note && /show all/.test(note.textContent || '')) { show('all'); }
  });
  // double-click on the plot: out to the story; from the story, out to everything
  document.addEventListener('dblclick', function (event) {
    var gd = graph();
    if (!gd || !gd.contains(event.target) || !event.target.closest('.draglayer, .plot, .nsewdrag')) { return; }
    var f = frame(gd);
    if (!f) { return; }
    var now = gd._fullLayout && gd._fullLayout.xaxis && gd._fullLayout.xaxis.range;
    show(now && near(now, f.quick.story) ? 'all' : 'story');
  });
})();
