'use strict';
// geotimeline's plotly.js: the core (scatter) plus the trace types the dashboard draws: bar (timeline),
// scattermap and densitymap (the dashboard's MapLibre map) and scattergeo (the map in exported figures and offline files).
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/scattergeo'), require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/densitymap')]);
module.exports = Plotly;
