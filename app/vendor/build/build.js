// Builds geotimeline's partial plotly.js bundle with the same esbuild settings plotly.js uses for
// its own dist files (esbuild-config.js in the plotly.js package), minified. Usage: node build.js OUT
const esbuild = require('esbuild');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { environmentPlugin } = require('esbuild-plugin-environment');
const version = require('plotly.js/package.json').version;

esbuild.build({
    entryPoints: [require.resolve('./entry.js')],
    outfile: process.argv[2] || '../plotly-geotimeline.min.js',
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    banner: { js: `/** plotly.js v${version} partial bundle for geotimeline: core (scatter) + bar + scattergeo + scattermap + densitymap (MapLibre GL).\n` +
                  ` * Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license (build/plotly.js-LICENSE). */` },
    plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info',
}).catch(() => process.exit(1));
