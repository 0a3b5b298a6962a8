// Draws vega-lite charts in classic Jupyter Notebook 6, which has no renderer of its own for the
// standard vega-lite MIME type (JupyterLab and VS Code do). The library's show() sends one output
// with that MIME type plus a PNG; with this extension the Notebook draws the interactive chart,
// without it (or in an untrusted notebook) it shows the PNG.
//
// vega, vega-lite and vega-embed come from the project's node_modules (copied next to this file
// by scripts/setup.sh) and are served by the Notebook server itself: no CDN. Their UMD builds
// register as RequireJS modules, which is how the Notebook page loads everything.
define(["require", "jquery", "base/js/namespace", "notebook/js/outputarea"], function (
  require,
  $,
  Jupyter,
  outputarea
) {
  "use strict";

  var MIME = "application/vnd.vegalite.v5+json";
  var embedReady = null;

  function loadVegaEmbed() {
    if (embedReady) return embedReady;
    var vendor = ($("body").data("baseUrl") || "/") + "nbextensions/replication-lab/vendor/";
    window.requirejs.config({
      paths: {
        vega: vendor + "vega.min",
        "vega-lite": vendor + "vega-lite.min",
        "vega-embed": vendor + "vega-embed.min",
      },
    });
    embedReady = new Promise(function (resolve, reject) {
      window.requirejs(["vega-embed"], resolve, reject);
    });
    return embedReady;
  }

  // The OutputArea calls this with itself as `this`, like its built-in renderers.
  function appendVegaLite(spec, md, element) {
    var subarea = this.create_output_subarea(md, "output_vegalite rl-vegalite", MIME);
    var target = $("<div/>").addClass("rl-chart");
    subarea.append(target);
    element.append(subarea);
    loadVegaEmbed()
      .then(function (vegaEmbed) {
        // vega-embed may annotate the spec; the stored output must stay as the kernel sent it.
        return vegaEmbed(target[0], JSON.parse(JSON.stringify(spec)), {
          renderer: "svg",
          // No "open in editor" link: it would leave the machine.
          actions: { export: true, source: false, compiled: false, editor: false },
        });
      })
      .catch(function (err) {
        console.error("replication-lab: chart not drawn", err);
        target.append($("<pre/>").addClass("rl-chart-error").text("Chart could not be drawn: " + err));
      });
    return subarea;
  }

  // The notebook may finish loading before this extension does; redraw its trusted charts.
  function redrawLoadedCharts() {
    if (!Jupyter.notebook || !Jupyter.notebook.get_cells) return;
    Jupyter.notebook.get_cells().forEach(function (cell) {
      var area = cell.output_area;
      if (!area || !area.trusted) return;
      var hasChart = area.outputs.some(function (o) {
        return o.data && o.data[MIME] !== undefined;
      });
      if (!hasChart) return;
      var outputs = area.toJSON();
      area.clear_output(false, true);
      area.fromJSON(outputs);
    });
  }

  function load_ipython_extension() {
    var OutputArea = outputarea.OutputArea;
    if (OutputArea.display_order.indexOf(MIME) < 0) {
      // Not "safe": like any script output, an untrusted notebook falls back to the PNG.
      OutputArea.prototype.register_mime_type(MIME, appendVegaLite, { safe: false, index: 0 });
    }
    redrawLoadedCharts();
  }

  return { load_ipython_extension: load_ipython_extension };
});
