// Maps in the back office: show a point, or let staff pick one that fills the lat/long inputs.
// The inputs stay the source of truth, so the form works without tiles or without scripts.
(function () {
  "use strict";
  function setup(el) {
    if (!window.L || el.dataset.ready) return;
    el.dataset.ready = "1";
    var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.long);
    var hasPoint = !isNaN(lat) && !isNaN(lng);
    var map = L.map(el, { keyboard: true }).setView(hasPoint ? [lat, lng] : [41.8837, -87.6325], hasPoint ? 16 : 11);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
    }
    var marker = hasPoint ? L.marker([lat, lng]).addTo(map) : null;
    if (!el.dataset.pick) return;
    var latInput = document.getElementById(el.dataset.latInput);
    var lngInput = document.getElementById(el.dataset.longInput);
    map.on("click", function (e) {
      var p = e.latlng;
      if (marker) marker.setLatLng(p); else marker = L.marker(p).addTo(map);
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
