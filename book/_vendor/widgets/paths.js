// Tell require.js where the vendored widget manager lives, so the fonts it loads (relative to its
// module path) come from this site's _static/widgets/html-manager/ and not from a page-relative
// "@jupyter-widgets/..." folder that does not exist. Loaded after require.js, before embed-amd.js.
(function () {
  var here = document.currentScript.src.replace(/paths\.js(\?.*)?$/, "");
  window.require.config({ paths: { "@jupyter-widgets/html-manager/dist": here + "html-manager" } });
})();
