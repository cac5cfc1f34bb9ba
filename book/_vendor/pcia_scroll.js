// Wide tables and charts sit in boxes that scroll sideways (book/_ext/pcia_theme.py wraps them in
// .pcia-scroll, after a hidden "scroll sideways" cue). While a box is narrower than what it holds,
// show its cue and make it a keyboard stop (arrow keys then scroll it); otherwise hide the cue and
// take the box out of the Tab order, as the theme does for its own scrolling boxes.
(() => {
  const update = (box) => {
    const wide = box.scrollWidth > box.clientWidth + 1;
    box.tabIndex = wide ? 0 : -1;
    const cue = box.previousElementSibling;
    if (cue && cue.classList.contains("pcia-scroll-cue")) cue.hidden = !wide;
  };
  const start = () => {
    // A box's content changes width when its fonts or images load or the window resizes.
    const observer = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target.closest(".pcia-scroll"))));
    document.querySelectorAll(".pcia-scroll").forEach((box) => {
      update(box);
      observer.observe(box);
      if (box.firstElementChild) observer.observe(box.firstElementChild);
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
