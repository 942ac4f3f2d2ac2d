// File names that say the view: "geotimeline-timeline-37-events-transfer-russian-federation".
// The same rule as app.filters.slug, applied to the summary line above the views.
window.geotimelineFileName = function (kind) {
  var line = document.getElementById('summary-line');
  var text = (line && line.innerText) || '';
  var slug = text.replace(/–/g, '-').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase()
    .slice(0, 80).replace(/-+$/, '') || 'events';
  return 'geotimeline-' + kind + '-' + slug;
};

// The modebar's camera (PNG at slide size) names its file after the current view. The graphs'
// config is never changed by a callback (plotly.js would redraw the graph from scratch), so the
// name is set here, on the way to plotly's own click handler, and put back right after it ran.
document.addEventListener('click', function (event) {
  var button = event.target && event.target.closest &&
    event.target.closest('.modebar-btn[data-title^="Download plot"]');
  var gd = button && button.closest('.js-plotly-plot');
  if (!gd || !gd._context) { return; }
  var kind = gd.closest('#timeline-graph') ? 'timeline' : 'map';
  var options = gd._context.toImageButtonOptions || {};
  gd._context.toImageButtonOptions = Object.assign({}, options, {filename: window.geotimelineFileName(kind)});
  setTimeout(function () { gd._context.toImageButtonOptions = options; }, 0);
}, true);
