// Give each widget slider's handle the name its label shows ("Registered patients"), so a screen
// reader announces what the slider is. The widget manager draws the sliders after the page loads and
// leaves their handles nameless; this watches for them and names each once. Part of this kit (MIT).
(function () {
  function nameHandles(root) {
    root.querySelectorAll(".widget-slider").forEach(function (slider) {
      var label = slider.querySelector(".widget-label");
      var name = label && label.textContent.trim();
      if (!name) return;
      slider.querySelectorAll('[role="slider"]:not([aria-label])').forEach(function (handle) {
        handle.setAttribute("aria-label", name);
      });
    });
  }
  new MutationObserver(function () { nameHandles(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
