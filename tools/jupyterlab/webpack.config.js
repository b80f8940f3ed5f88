// Bundles index.js into build/ (bundle.js and its chunks) on top of the base webpack config that
// @jupyterlab/builder ships for JupyterLab 3.x builds; also copies each extension's settings schemas
// to build/schemas and compiles the light theme to build/themes (Build.ensureAssets), which serve.py
// hands to jupyterlab_server.
const path = require('path');
const webpack = require('webpack');
const { merge } = require('webpack-merge');
const { Build } = require('@jupyterlab/builder');
const baseConfig = require('@jupyterlab/builder/lib/webpack.config.base');
const pkg = require('./package.json');

const BUILD = path.join(__dirname, 'build');

// Every dependency with JupyterLab metadata (the extensions and MIME extensions in index.js).
const names = Object.keys(pkg.dependencies).filter((name) => require(`${name}/package.json`).jupyterlab !== undefined);
const themeConfigs = Build.ensureAssets({ packageNames: names, output: BUILD });

module.exports = [
  merge(baseConfig, {
    context: __dirname,
    mode: 'development',
    devtool: false,
    entry: path.join(__dirname, 'index.js'),
    output: {
      path: BUILD,
      filename: 'bundle.js',
      chunkFilename: '[name].[contenthash].js',
    },
    performance: { hints: false },
    plugins: [new webpack.DefinePlugin({ 'process.env.NODE_ENV': JSON.stringify('production') })],
  }),
  ...themeConfigs,
];
