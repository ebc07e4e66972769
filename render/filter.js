(function () {
  "use strict";
  var q = document.getElementById("q");
  if (!q) return;
  var entries = Array.prototype.slice.call(document.querySelectorAll("li.entry"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.category"));
  function fromUrl() {
    var m = /[#&]q=([^&]*)/.exec(location.hash) || /[?&]q=([^&]*)/.exec(location.search);
    return m ? decodeURIComponent(m[1].replace(/\+/g, " ")) : "";
  }
  function apply(text) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = new Set();
    entries.forEach(function (li) {
      var hay = li.getAttribute("data-search");
      if (!words.every(function (w) { return hay.indexOf(w) >= 0; })) return;
      shown.add(li); /* a match shows its sub-entries and the entries around it */
      li.querySelectorAll("li.entry").forEach(function (c) { shown.add(c); });
      for (var p = li.parentElement; p; p = p.parentElement)
        if (p.matches && p.matches("li.entry")) shown.add(p);
    });
    entries.forEach(function (li) { li.hidden = words.length > 0 && !shown.has(li); });
    sections.forEach(function (s) {
      s.hidden = words.length > 0 && !s.querySelector("li.entry:not([hidden])");
    });
  }
  q.value = fromUrl();
  apply(q.value);
  q.addEventListener("input", function () {
    apply(q.value);
    history.replaceState(null, "", q.value ? "#q=" + encodeURIComponent(q.value) : location.pathname + location.search.replace(/([?&])q=[^&]*&?/, "$1").replace(/[?&]$/, ""));
  });
  window.addEventListener("hashchange", function () { q.value = fromUrl(); apply(q.value); });
})();
