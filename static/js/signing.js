// Suggestions of the directory's organisations as the representative types (the signing form,
// templates/articles/signing/sign.html). Without this script the form still works: the server
// finds the organisation from the typed name, and lists the matches when several fit.
(function () {
  "use strict";
  var form = document.querySelector("form[data-organisations-url]");
  if (!form) return;
  var input = form.querySelector("input[list='signing-organisations']");
  var list = document.getElementById("signing-organisations");
  if (!input || !list) return;
  var url = form.getAttribute("data-organisations-url");
  var timer = null;
  var asked = "";

  function show(names) {
    while (list.firstChild) list.removeChild(list.firstChild);
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
  }

  function ask() {
    var text = input.value.trim();
    if (text.length < 2 || text === asked) return;
    asked = text;
    fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { organisations: [] }; })
      .then(function (data) { if (input.value.trim() === text) show(data.organisations || []); })
      .catch(function () { show([]); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
})();
