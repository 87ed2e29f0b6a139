// Maps in the back office: show a point, or let staff pick one that fills the lat/long inputs.
// The inputs stay the source of truth, so the form works without tiles or without scripts.
(function () {
  "use strict";
  function setup(el) {
    if (!window.L || !window.CityMap || el.dataset.ready) return;
    el.dataset.ready = "1";
    var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.long);
    var hasPoint = !isNaN(lat) && !isNaN(lng);
    var map = L.map(el, { keyboard: true }).setView(hasPoint ? [lat, lng] : [41.8837, -87.6325], hasPoint ? 16 : 11);
    // Tiles from the settings, or the city's own base map (core/static/civic311/citymap.js).
    window.CityMap.tiles(map, el);
    // A request's point: its pin says its status, and the legend says how.
    var group = el.dataset.statusGroup;
    function placePin(p) {
      if (!group) return L.marker(p).addTo(map);
      return window.CityMap.pin(p, { group: group, title: el.dataset.pinTitle, keyboard: false }).addTo(map);
    }
    if (group) window.CityMap.legend(el);
    var marker = hasPoint ? placePin([lat, lng]) : null;
    // data-pick is a bare attribute: its value is "", so ask whether it is there.
    if (!el.hasAttribute("data-pick")) return;
    var latInput = document.getElementById(el.dataset.latInput);
    var lngInput = document.getElementById(el.dataset.longInput);
    map.on("click", function (e) {
      var p = e.latlng;
      if (marker) marker.setLatLng(p); else marker = placePin(p);
      latInput.value = p.lat.toFixed(6);
      lngInput.value = p.lng.toFixed(6);
      latInput.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  function all() { document.querySelectorAll("[data-map]").forEach(setup); }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSettle", all);
  // Intake: a point the operator sets is theirs, not the one found for the typed address.
  document.addEventListener("input", function (e) {
    var found = document.getElementById("id_located_address");
    if (found && (e.target.id === "id_lat" || e.target.id === "id_long")) found.value = "";
  });
  // "Select all" in queues.
  document.addEventListener("change", function (e) {
    if (e.target.id === "select-all") {
      document.querySelectorAll("input[name=selected]").forEach(function (box) { box.checked = e.target.checked; });
    }
  });
})();
