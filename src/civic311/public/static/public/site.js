/* civic311 resident site: progressive enhancement only. Every flow works without this file;
   it adds maps, photo previews, live service search, copy buttons and one-click submits. */
(function () {
  "use strict";

  var CHICAGO = [41.8781, -87.6298];
  var lang = document.documentElement.lang || "en";
  var WORDS = {
    en: {
      pinAt: "Pin placed at {lat}, {long}.",
      pinCleared: "The pin was removed.",
      locating: "Finding your location…",
      noLocation: "Your location is not available; click the map or type the address.",
      sending: "Sending…",
      copied: "Copied.",
      copyFailed: "Select the number and copy it.",
      tooMany: "Only {n} more photo(s) can be attached.",
      open: "Open"
    },
    es: {
      pinAt: "Marcador colocado en {lat}, {long}.",
      pinCleared: "Se quitó el marcador.",
      locating: "Buscando su ubicación…",
      noLocation: "Su ubicación no está disponible; haga clic en el mapa o escriba la dirección.",
      sending: "Enviando…",
      copied: "Copiado.",
      copyFailed: "Seleccione el número y cópielo.",
      tooMany: "Solo se pueden adjuntar {n} foto(s) más.",
      open: "Abierta"
    }
  };
  function t(key, values) {
    var text = (WORDS[lang] || WORDS.en)[key] || WORDS.en[key];
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }

  /* Tiles from the settings, or the city's own base map when there are none or they fail
     (core/static/civic311/citymap.js, shared with the back office). */
  function tiles(map, element) {
    if (window.CityMap) { window.CityMap.tiles(map, element); }
  }

  function newMap(element, centre, zoom) {
    element.hidden = false;
    var map = window.L.map(element, { scrollWheelZoom: false }).setView(centre, zoom);
    tiles(map, element);
    return map;
  }

  /* Report form: place a pin by click, drag, "use my location" or the map's centre. */
  function locationPicker() {
    var box = document.querySelector("[data-location-picker]");
    var element = document.getElementById("location-map");
    if (!box || !element || !window.L) { return; }
    var latInput = document.getElementById("id_lat");
    var longInput = document.getElementById("id_long");
    var status = box.querySelector("[data-pin-status]");
    box.hidden = false;
    var hasPin = latInput.value && longInput.value;
    var start = hasPin ? [parseFloat(latInput.value), parseFloat(longInput.value)] : CHICAGO;
    var map = newMap(element, start, hasPin ? 16 : 11);
    var marker = null;

    function place(latlng, announce) {
      var lat = latlng.lat.toFixed(6), long = latlng.lng.toFixed(6);
      latInput.value = lat;
      longInput.value = long;
      if (!marker) {
        var label = element.getAttribute("data-pin-label") || "";
        marker = window.L.marker(latlng, { draggable: true, keyboard: true, alt: label }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), true); });
      } else {
        marker.setLatLng(latlng);
      }
      if (announce) { status.textContent = t("pinAt", { lat: lat, long: long }); }
    }
    if (hasPin) { place(window.L.latLng(start[0], start[1]), false); }
    map.on("click", function (event) { place(event.latlng, true); });
    box.querySelector("[data-pin-centre]").addEventListener("click", function () {
      place(map.getCenter(), true);
    });
    box.querySelector("[data-pin-clear]").addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      latInput.value = "";
      longInput.value = "";
      status.textContent = t("pinCleared");
    });
    var locate = box.querySelector("[data-locate]");
    if (!navigator.geolocation) { locate.hidden = true; return; }
    locate.addEventListener("click", function () {
      status.textContent = t("locating");
      navigator.geolocation.getCurrentPosition(function (position) {
        var here = window.L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 17);
        place(here, true);
      }, function () { status.textContent = t("noLocation"); }, { timeout: 10000 });
    });
  }

  /* Home: the recent requests on a map (redrawn when htmx swaps the list). */
  var recentMap = null;
  function recentRequestsMap() {
    var element = document.getElementById("recent-map");
    var data = document.getElementById("recent-markers");
    if (!element || !data || !window.L || !window.CityMap) { return; }
    if (recentMap) { recentMap.remove(); recentMap = null; }
    var markers = JSON.parse(data.textContent);
    recentMap = newMap(element, CHICAGO, 10);
    var bounds = [];
    markers.forEach(function (item) {
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      var popup = document.createElement("div");
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(item.status));
      window.CityMap.pin([item.lat, item.long], { group: item.group, title: item.title })
        .addTo(recentMap).bindPopup(popup);
      bounds.push([item.lat, item.long]);
    });
    window.CityMap.legend(element);
    if (bounds.length > 1) { recentMap.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 }); }
    else if (bounds.length === 1) { recentMap.setView(bounds[0], 15); }
  }

  /* Tracker: where the problem is. */
  function requestMap() {
    var element = document.getElementById("request-map");
    if (!element || !window.L || !window.CityMap) { return; }
    var point = [parseFloat(element.getAttribute("data-lat")), parseFloat(element.getAttribute("data-long"))];
    var map = newMap(element, point, 16);
    window.CityMap.pin(point, { group: element.getAttribute("data-status-group"), title: element.getAttribute("data-pin-title"), keyboard: false }).addTo(map);
    window.CityMap.legend(element);
  }

  /* Photos: previews of the chosen files, and a count check before upload. */
  function photoPreviews() {
    var input = document.getElementById("id_photos");
    var list = document.querySelector("[data-photo-previews]");
    if (!input || !list) { return; }
    input.addEventListener("change", function () {
      list.textContent = "";
      var kept = document.querySelectorAll(".photos--kept li").length;
      var room = 3 - kept;
      Array.prototype.forEach.call(input.files, function (file, index) {
        var item = document.createElement("li");
        if (file.type.indexOf("image/") === 0) {
          var image = document.createElement("img");
          image.src = URL.createObjectURL(file);
          image.width = 120;
          image.alt = file.name;
          item.appendChild(image);
        }
        item.appendChild(document.createTextNode(file.name));
        list.appendChild(item);
        if (index === room) {
          var warning = document.createElement("li");
          warning.className = "errorlist";
          warning.textContent = t("tooMany", { n: Math.max(room, 0) });
          list.appendChild(warning);
        }
      });
    });
  }

  /* Forms marked data-once submit once: later clicks are ignored and the button says so. */
  function submitOnce() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.hasAttribute("data-once")) { return; }
      if (form.getAttribute("data-submitting")) { event.preventDefault(); return; }
      form.setAttribute("data-submitting", "1");
      var button = form.querySelector("[data-once-button]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = t("sending");
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
    // Back/forward cache: a page shown again must be usable again.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-submitting]").forEach(function (form) {
        form.removeAttribute("data-submitting");
        var button = form.querySelector("[data-once-button]");
        if (button) { button.disabled = false; button.removeAttribute("aria-disabled"); }
      });
    });
  }

  /* The confirmation page's "copy the number" button. */
  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var status = document.querySelector("[data-copy-status]");
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = button.getAttribute("data-copy");
        var done = function () { if (status) { status.textContent = t("copied"); } };
        var failed = function () { if (status) { status.textContent = t("copyFailed"); } };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, failed);
        } else { failed(); }
      });
    });
  }

  /* Service list: filter as the resident types. */
  function serviceSearch() {
    var input = document.querySelector("[data-service-search]");
    if (!input) { return; }
    var none = document.querySelector("[data-service-none]");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      document.querySelectorAll("[data-service-group]").forEach(function (group) {
        var inGroup = 0;
        group.querySelectorAll("[data-service]").forEach(function (item) {
          var text = item.getAttribute("data-search");
          var match = words.every(function (word) { return text.indexOf(word) >= 0; });
          item.hidden = !match;
          if (match) { inGroup += 1; }
        });
        group.hidden = inGroup === 0;
        shown += inGroup;
      });
      if (none) { none.hidden = shown > 0; }
    });
  }

  /* After a failed submission, take keyboard and screen-reader users to the error summary. */
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  function start() {
    submitOnce();
    copyButtons();
    serviceSearch();
    photoPreviews();
    locationPicker();
    recentRequestsMap();
    requestMap();
    focusErrors();
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.target && event.target.id === "recent-results") { recentRequestsMap(); }
      if (event.target && event.target.id === "subscribe") {
        var message = event.target.querySelector("[data-focus]");
        if (message) { message.focus(); }
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
