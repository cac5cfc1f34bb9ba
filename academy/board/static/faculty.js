// Faculty's page: add questions, open and close them, show results, export answers (same host only).
"use strict";
(function () {
  var body = document.body;
  var prefix = body.dataset.prefix;
  var statusEl = document.getElementById("status");
  var tbody = document.querySelector("#questions tbody");

  function call(method, path, data) {
    return fetch(prefix + path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-XSRFToken": body.dataset.xsrf },
      body: data === undefined ? undefined : JSON.stringify(data)
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw new Error(json.reason || ("The board answered " + response.status)); }
        return json;
      });
    });
  }

  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  function link(label, href) {
    var a = document.createElement("a");
    a.textContent = label;
    a.href = href;
    return a;
  }

  function change(id, action) {
    call("POST", "api/questions/" + id + "/" + action).then(load).catch(function (e) { statusEl.textContent = e.message; });
  }

  function load() {
    return call("GET", "api/questions").then(function (data) {
      tbody.textContent = "";
      data.questions.forEach(function (q) {
        var tr = document.createElement("tr");
        [String(q.id), q.round, q.prompt, q.kind + (q.kind === "choice" ? " (" + q.choices.join(", ") + ")" : "")]
          .forEach(function (text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
        var open = document.createElement("td");
        open.appendChild(document.createTextNode(q.open ? "open " : "closed "));
        open.appendChild(button(q.open ? "Close" : "Open", function () { change(q.id, q.open ? "close" : "open"); }));
        var shown = document.createElement("td");
        shown.appendChild(document.createTextNode(q.results_shown ? "shown " : "hidden "));
        shown.appendChild(button(q.results_shown ? "Hide" : "Show", function () { change(q.id, q.results_shown ? "hide" : "show"); }));
        var see = document.createElement("td");
        see.appendChild(link("Project", prefix + "?question=" + q.id));
        see.appendChild(document.createTextNode(" · "));
        see.appendChild(link("Answers (CSV)", prefix + "api/questions/" + q.id + "/answers.csv"));
        tr.appendChild(open); tr.appendChild(shown); tr.appendChild(see);
        tbody.appendChild(tr);
      });
    }).catch(function (e) { statusEl.textContent = e.message; });
  }

  document.getElementById("new-question").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var kind = form.kind.value;
    var data = { prompt: form.prompt.value, round: form.round.value, kind: kind, unit: form.unit.value };
    if (kind === "choice") {
      data.choices = form.choices.value.split("\n").map(function (c) { return c.trim(); }).filter(Boolean);
    }
    if (form.minimum.value !== "") { data.minimum = Number(form.minimum.value); }
    if (form.maximum.value !== "") { data.maximum = Number(form.maximum.value); }
    call("POST", "api/questions", data).then(function (q) {
      statusEl.textContent = "Question " + q.id + " is open.";
      form.reset();
      return load();
    }).catch(function (e) { statusEl.textContent = e.message; });
  });

  load();
})();
