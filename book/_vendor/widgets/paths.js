// Tell require.js where the vendored widget manager lives. embed-amd.js defines several modules
// (@jupyter-widgets/html-manager/dist/libembed-amd, @jupyter-widgets/controls, @jupyter-widgets/base,
// ...), and each loads its fonts relative to its own module path. Map them all to this site's
// _static/widgets/html-manager/, where the fonts are; without the second line, whichever module's
// styles load last would ask for a page-relative "@jupyter-widgets/..." folder that does not exist.
// Loaded after require.js, before embed-amd.js.
(function () {
  var here = document.currentScript.src.replace(/paths\.js(\?.*)?$/, "");
  window.require.config({
    paths: {
      "@jupyter-widgets/html-manager/dist": here + "html-manager",
      "@jupyter-widgets": here + "html-manager",
    },
  });
})();
