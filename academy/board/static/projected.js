// The projected page: listens to the board's event stream and redraws the aggregate (no other host).
"use strict";
(function () {
  var body = document.body;
  var prefix = body.dataset.prefix;
  var pinned = body.dataset.question;
  var promptEl = document.getElementById("prompt");
  var metaEl = document.getElementById("meta");
  var totalEl = document.getElementById("total");
  var resultsEl = document.getElementById("results");
  var statusEl = document.getElementById("status");

  function number(x) {
    if (x === null || x === undefined) { return ""; }
    return Number(x).toLocaleString("en-GB", { maximumFractionDigits: 2 });
  }

  function row(label, count, largest) {
    var div = document.createElement("div");
    div.className = "row";
    var name = document.createElement("span");
    name.textContent = label;
    var track = document.createElement("span");
    track.className = "bar-track";
    track.setAttribute("aria-hidden", "true");
    var bar = document.createElement("span");
    bar.className = "bar";
    bar.style.display = "block";
    bar.style.width = (largest > 0 ? (100 * count / largest) : 0) + "%";
    track.appendChild(bar);
    var value = document.createElement("span");
    value.className = "count";
    value.textContent = count;
    div.appendChild(name); div.appendChild(track); div.appendChild(value);
    return div;
  }

  function draw(data) {
    resultsEl.textContent = "";
    if (!data.question) {
      promptEl.textContent = "No question yet.";
      metaEl.textContent = ""; totalEl.textContent = ""; totalEl.dataset.count = "0";
      return;
    }
    var q = data.question;
    promptEl.textContent = "Question " + q.id + ": " + q.prompt;
    metaEl.textContent = (q.round ? q.round + " · " : "") + (q.open ? "taking answers" : "closed");
    var count = data.count || 0;
    totalEl.dataset.count = String(count);
    totalEl.textContent = count + (count === 1 ? " answer" : " answers");
    if (data.hidden) {
      statusEl.textContent = "The results will show here when faculty reveal them.";
      return;
    }
    statusEl.textContent = "";
    var largest = 0;
    if (data.kind === "number") {
      data.bins.forEach(function (b) { largest = Math.max(largest, b.count); });
      data.bins.forEach(function (b) {
        var unit = q.unit ? " " + q.unit : "";
        resultsEl.appendChild(row(number(b.low) + " to " + number(b.high) + unit, b.count, largest));
      });
      if (count > 0) {
        totalEl.textContent += " · median " + number(data.median) + " · mean " + number(data.mean);
      }
    } else if (data.kind === "choice") {
      data.counts.forEach(function (c) { largest = Math.max(largest, c.count); });
      data.counts.forEach(function (c) { resultsEl.appendChild(row(c.choice, c.count, largest)); });
    } else {
      var cloud = document.createElement("p");
      cloud.className = "cloud";
      data.words.forEach(function (w) { largest = Math.max(largest, w.count); });
      data.words.forEach(function (w) {
        var span = document.createElement("span");
        span.textContent = w.word;
        span.title = w.count + (w.count === 1 ? " answer" : " answers");
        span.style.fontSize = (1 + 2 * (largest > 0 ? w.count / largest : 0)).toFixed(2) + "rem";
        cloud.appendChild(span);
      });
      resultsEl.appendChild(cloud);
    }
  }

  var url = prefix + "api/events?_xsrf=" + encodeURIComponent(body.dataset.xsrf) +
    (pinned ? "&question=" + encodeURIComponent(pinned) : "");
  var source = new EventSource(url);
  source.onmessage = function (event) { draw(JSON.parse(event.data)); };
  source.onerror = function () { statusEl.textContent = "Reconnecting to the board…"; };
  source.onopen = function () { if (statusEl.textContent === "Reconnecting to the board…") { statusEl.textContent = ""; } };
})();
