// The live map's zoom buttons zoom by one level per press (issue 14, item 8). plotly.js's own
// zoomInMap/zoomOutMap buttons multiply the zoom by 1.05: from the world view (zoom about 0.5 on a
// phone, 1.5 on a laptop) a press moves the map by a few percent, and at zoom 0 or below not at all.
// This handler runs first (capture phase on the document, before the button's own listener) and
// sets the zoom one level in or out through Plotly.relayout, so the view's relayoutData and the URL
// follow as for any other zoom (tests/browser/test_map_touch.py taps the buttons on a phone).
(function () {
  var STEP = 1;
  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('.modebar-btn[data-attr="zoom"]') : null;
    if (!button) { return; }
    var graph = button.closest('#map-graph');
    var gd = graph && graph.querySelector('.js-plotly-plot');
    var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    if (!sub || !sub.map || !window.Plotly) { return; }  // not the live map: plotly.js handles it
    event.stopPropagation();
    event.preventDefault();
    var map = sub.map;
    var inwards = button.getAttribute('data-val') === 'in';
    var zoom = map.getZoom() + (inwards ? STEP : -STEP);
    zoom = Math.max(map.getMinZoom(), Math.min(map.getMaxZoom(), zoom));
    window.Plotly.relayout(gd, {'map.zoom': zoom});
  }, true);
})();
