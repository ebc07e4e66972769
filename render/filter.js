(function () {
  "use strict";
  var q = document.getElementById("q"), st = document.getElementById("status");
  var so = document.getElementById("sort");
  var said = document.getElementById("matches"), toc = document.getElementById("toc");
  /* a wide screen shows the categories open: site.css does it where ::details-content is known */
  if (toc && !toc.open && window.matchMedia("(min-width: 801px)").matches &&
      !(window.CSS && CSS.supports && CSS.supports("selector(::details-content)")))
    toc.open = true;
  if (!q || !st) return; /* an index of a catalog too large for one page: no entries here */
  q.parentElement.hidden = false; /* without this script there is no filter, and all is shown */
  function up(li) { /* the entry a sub-entry sits under */
    return li.parentElement ? li.parentElement.closest("li.entry") : null;
  }
  var entries = Array.prototype.map.call(document.querySelectorAll("li.entry"), function (li) {
    var section = li.closest("section.category"), hay = "";
    var path = section ? section.querySelector(":scope > h2 > .path") : null;
    Array.prototype.forEach.call(li.children, function (c) { /* its words, its link, where it moved */
      if (c.matches(".name, .desc")) hay += " " + c.textContent;
      if (c.matches("a.name, a.moved")) hay += " " + c.getAttribute("href");
    });
    if (path) hay += " " + path.textContent + " " + section.id; /* the category, as written and as a slug */
    return { li: li, hay: hay.toLowerCase(), status: li.getAttribute("data-status"), section: section };
  });
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.category"));
  var navItems = toc ? Array.prototype.map.call(toc.querySelectorAll("li"), function (li) {
    var a = li.querySelector(":scope > a"), count = li.querySelector(":scope > .count");
    return { li: li, count: count, total: count ? count.textContent : "",
             section: a ? document.getElementById(a.getAttribute("href").slice(1)) : null,
             children: li.querySelectorAll(":scope > ul > li") };
  }) : [];
  function param(name) {
    var re = new RegExp("[#&?]" + name + "=([^&]*)");
    var m = re.exec(location.hash) || re.exec(location.search);
    try { return m ? decodeURIComponent(m[1].replace(/\+/g, " ")) : ""; } catch (e) { return ""; }
  }
  function statuses(value) { /* the results a status choice matches; null for any */
    if (!value) return null;
    for (var i = 0; i < st.options.length; i++)
      if (st.options[i].value === value && st.options[i].getAttribute("data-match"))
        return st.options[i].getAttribute("data-match").split(" ");
    return [value];
  }
  /* the order within each category, client side: the page as served keeps the catalog's */
  var lists = Array.prototype.map.call(document.querySelectorAll("section.category > ul.entries"),
    function (ul) { return { ul: ul, items: Array.prototype.filter.call(ul.children, function (li) {
      return li.matches("li.entry"); }) }; });
  function nameOf(li) { var n = li.querySelector(":scope > .name"); return n ? n.textContent : ""; }
  function keyed(order) { /* compare two entries; those without the key last, then catalog order */
    return function (a, b) {
      var x = a.li, y = b.li;
      if (order === "name") {
        var c = nameOf(x).localeCompare(nameOf(y), undefined, { sensitivity: "base" });
        return c || a.i - b.i;
      }
      var attr = order === "stars" ? "data-stars" : "data-pushed";
      var p = x.getAttribute(attr), r = y.getAttribute(attr);
      if (p === null || r === null) return (p === null) - (r === null) || a.i - b.i;
      if (order === "stars") return (Number(r) - Number(p)) || a.i - b.i;
      return p < r ? 1 : p > r ? -1 : a.i - b.i;
    };
  }
  function reorder(order) {
    lists.forEach(function (l) {
      var items = l.items.map(function (li, i) { return { li: li, i: i }; });
      if (order === "name" || order === "stars" || order === "pushed") items.sort(keyed(order));
      items.forEach(function (it) { l.ul.appendChild(it.li); });
    });
  }
  var status = ""; /* kept apart from the menu: an address may name a status it lacks */
  function apply() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var want = statuses(status), filtering = words.length > 0 || want !== null;
    var shown = new Set(), per = new Map(), n = 0;
    entries.forEach(function (e) {
      if (!words.every(function (w) { return e.hay.indexOf(w) >= 0; })) return;
      if (want && want.indexOf(e.status) < 0) return;
      n++;
      per.set(e.section, (per.get(e.section) || 0) + 1);
      shown.add(e.li); /* a match shows the entries it sits under, and its sub-entries when words match */
      if (!want) e.li.querySelectorAll("li.entry").forEach(function (c) { shown.add(c); });
      for (var p = up(e.li); p; p = up(p)) shown.add(p);
    });
    entries.forEach(function (e) { e.li.hidden = filtering && !shown.has(e.li); });
    sections.forEach(function (s) {
      s.hidden = filtering && !s.querySelector("li.entry:not([hidden])");
    });
    var counted = new Map(); /* the tree's counts follow the filter, children first */
    for (var i = navItems.length - 1; i >= 0; i--) {
      var item = navItems[i], c = per.get(item.section) || 0;
      Array.prototype.forEach.call(item.children, function (li) { c += counted.get(li) || 0; });
      counted.set(item.li, c);
      if (item.count) item.count.textContent = filtering ? String(c) : item.total;
      item.li.hidden = filtering && c === 0;
    }
    if (said) {
      said.textContent = !filtering ? "" : n === 0 ? "No entries match." :
        n + " of " + entries.length + (entries.length === 1 ? " entry" : " entries") + " match";
      said.className = filtering && n === 0 ? "none" : "";
    }
  }
  function load() {
    q.value = param("q");
    st.value = status = param("status");
    if (so) { so.value = param("sort"); reorder(so.value); }
    apply();
  }
  function save() {
    var parts = [];
    if (q.value) parts.push("q=" + encodeURIComponent(q.value));
    if (status) parts.push("status=" + encodeURIComponent(status));
    if (so && so.value) parts.push("sort=" + encodeURIComponent(so.value));
    var rest = location.search.replace(/^\?/, "").split("&").filter(function (p) {
      return p && !/^(q|status|sort)=/.test(p);
    });
    history.replaceState(null, "", location.pathname + (rest.length ? "?" + rest.join("&") : "") +
                         (parts.length ? "#" + parts.join("&") : ""));
  }
  load();
  q.addEventListener("input", function () { apply(); save(); });
  st.addEventListener("change", function () { status = st.value; apply(); save(); });
  if (so) so.addEventListener("change", function () { reorder(so.value); save(); });
  window.addEventListener("hashchange", function () {
    if (!location.hash || /[#&](q|status|sort)=/.test(location.hash)) load(); /* a jump to a category keeps the filter */
  });
})();
