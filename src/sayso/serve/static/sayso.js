// sayso web UI: claim details on hover, click and focus; keyboard shortcuts.
// Only textContent is ever written: nothing from the ledger is parsed as HTML.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  // "/" focuses the search box of the page, or the one in the masthead; Escape leaves a field.
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && typing(document.activeElement)) document.activeElement.blur();
    if (ev.key === "/" && !typing(document.activeElement) && !ev.ctrlKey && !ev.metaKey) {
      var box = document.querySelector("main input[type=search]") || document.querySelector(".quick input");
      if (box) { ev.preventDefault(); box.focus(); box.select(); }
    }
  });

  var text = document.querySelector(".text");
  var detail = document.getElementById("detail");
  if (!text || !detail) {
    // Lists of claims (search, a speaker's timeline): j / k move between them; Enter opens the article.
    var cards = Array.prototype.slice.call(document.querySelectorAll(".claims .claim"));
    var at = -1;
    document.addEventListener("keydown", function (ev) {
      if (typing(document.activeElement) || ev.ctrlKey || ev.metaKey || ev.altKey || !cards.length) return;
      if (ev.key !== "j" && ev.key !== "k") return;
      at = ev.key === "j" ? Math.min(at + 1, cards.length - 1) : Math.max(at - 1, 0);
      var links = cards[at].querySelectorAll(".where a");
      if (links.length) links[links.length - 1].focus();
      cards[at].scrollIntoView({ block: "nearest" });
    });
    return;
  }

  var claims = Array.prototype.slice.call(document.querySelectorAll(".side .claim[data-id]"));
  var current = -1;

  function byId(id) {
    for (var i = 0; i < claims.length; i++) if (claims[i].dataset.id === id) return i;
    return -1;
  }

  function show(index, scroll) {
    var previous = document.querySelectorAll(".active");
    for (var p = 0; p < previous.length; p++) previous[p].classList.remove("active");
    current = index;
    if (index < 0) { detail.querySelector(".hint").hidden = false; detail.querySelector("dl").hidden = true; return; }
    var claim = claims[index];
    var id = claim.dataset.id;
    claim.classList.add("active");
    var pieces = text.querySelectorAll("[data-a]");
    var first = null;
    for (var i = 0; i < pieces.length; i++) {
      if (pieces[i].dataset.a.split(" ").indexOf(id) >= 0) {
        pieces[i].classList.add("active");
        if (!first) first = pieces[i];
      }
    }
    var fields = ["speakers", "type", "stance", "kind", "source", "cue"];
    for (var f = 0; f < fields.length; f++) {
      detail.querySelector("[data-field=" + fields[f] + "]").textContent = claim.dataset[fields[f]] || "—";
    }
    detail.querySelector(".hint").hidden = true;
    detail.querySelector("dl").hidden = false;
    if (scroll && first) first.scrollIntoView({ block: "center", behavior: "smooth" });
    if (scroll) claim.scrollIntoView({ block: "nearest" });
  }

  function fromEvent(ev) {
    var el = ev.target.closest && ev.target.closest("[data-a]");
    if (!el) return -1;
    var ids = el.dataset.a.split(" ");
    return byId(ids[ids.length - 1]);  // the innermost attribution is listed last
  }

  text.addEventListener("mouseover", function (ev) { var i = fromEvent(ev); if (i >= 0) show(i, false); });
  text.addEventListener("focusin", function (ev) { var i = fromEvent(ev); if (i >= 0) show(i, false); });
  text.addEventListener("click", function (ev) { var i = fromEvent(ev); if (i >= 0) show(i, false); });
  claims.forEach(function (claim, i) {
    claim.addEventListener("mouseenter", function () { show(i, false); });
    claim.addEventListener("focus", function () { show(i, false); });
    claim.addEventListener("click", function (ev) { if (!ev.target.closest("a")) show(i, true); });
  });

  // A link to "#a-<attribution id>" (from a search result) opens with that claim shown.
  var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.dataset.first) {
    show(Number(target.dataset.first), false);
    target.focus({ preventScroll: true });
  }

  // j / k: next / previous claim; Escape: clear.
  document.addEventListener("keydown", function (ev) {
    if (typing(document.activeElement) || ev.ctrlKey || ev.metaKey || ev.altKey || !claims.length) return;
    if (ev.key === "j" || ev.key === "k") {
      var next = ev.key === "j" ? Math.min(current + 1, claims.length - 1) : Math.max(current - 1, 0);
      show(next, true);
      var anchor = text.querySelector("[data-first='" + claims[next].dataset.id.replace(/'/g, "\\'") + "']");
      (anchor || claims[next]).focus({ preventScroll: true });
    } else if (ev.key === "Escape") {
      show(-1, false);
    }
  });
})();
