'use strict';
// geotimeline's plotly.js: the core (scatter) plus the two trace types the dashboard draws.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/scattergeo')]);
module.exports = Plotly;
