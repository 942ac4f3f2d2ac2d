// The live map's cluster counts are always written (issue 14): plotly.js makes each cluster's count
// a MapLibre symbol that gives way to any label placed before it, so at world zoom the count of the
// Dushanbe/Kabul, New York or Tatarstan cluster was hidden behind a place name and the disc said
// nothing; and a seat's dot or a place name drawn above it could cover the digits. Whenever plotly.js
// (re)makes the layers, each count layer may overlap, has a white halo and is drawn on top
// (tests/browser/test_map_clusters.py reads the counts drawn).
(function () {
  function isCount(id) { return id.slice(-14) === '-cluster-count'; }
  function countsAlwaysShown(map) {
    var order = map.getLayersOrder();
    var counts = order.filter(isCount);
    counts.forEach(function (id) {
      if (map.getLayoutProperty(id, 'text-allow-overlap') !== true) {
        map.setLayoutProperty(id, 'text-allow-overlap', true);
        map.setPaintProperty(id, 'text-halo-color', '#ffffff');
        map.setPaintProperty(id, 'text-halo-width', 1.2);
      }
    });
    // on top, once: moved only while some other layer is above one of them
    if (counts.length && order.slice(order.length - counts.length).some(function (id) { return !isCount(id); })) {
      counts.forEach(function (id) { map.moveLayer(id); });
    }
  }
  function attach() {
    var gd = document.querySelector('#map-graph .js-plotly-plot');
    var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    var map = sub && sub.map;
    if (!map || !map.getLayersOrder || map.geotimelineCounts) { return; }
    map.geotimelineCounts = true;
    map.on('styledata', function () { countsAlwaysShown(map); });
    countsAlwaysShown(map);
  }
  // the map (and a new one when plotly.js remakes the subplot) appears some time after the page
  new MutationObserver(attach).observe(document.documentElement, {childList: true, subtree: true});
  attach();
})();
