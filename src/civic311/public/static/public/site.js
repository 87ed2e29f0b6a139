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
      open: "Open",
      pinNear: "Pin placed at {place}.",
      pinBack: "The pin went back to where it was.",
      foundPin: "The place found for the address",
      several: "{n} places match. Choose one from the list.",
      typeFirst: "Type an address or an intersection first.",
      searching: "Searching…",
      searchFailed: "The search is not available just now; place the pin on the map, or send the address as typed.",
      pinStays: "The pin is still at {place}. Press Search to move it to the address you typed.",
      confirmed: "Pin placed at {place}. You can drag it to the exact spot."
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
      open: "Abierta",
      pinNear: "Marcador colocado en {place}.",
      pinBack: "El marcador volvió a donde estaba.",
      foundPin: "El lugar encontrado para la dirección",
      several: "{n} lugares coinciden. Elija uno de la lista.",
      typeFirst: "Escriba primero una dirección o un cruce de calles.",
      searching: "Buscando…",
      searchFailed: "La búsqueda no está disponible ahora; coloque el marcador en el mapa o envíe la dirección tal como la escribió.",
      pinStays: "El marcador sigue en {place}. Pulse Buscar para moverlo a la dirección que escribió.",
      confirmed: "Marcador colocado en {place}. Puede arrastrarlo al lugar exacto."
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

  /* Ask /places.json (the address search's endpoint); `done` gets the answer, or null when
     the server cannot be reached (then the server's own checks on submit are the word). */
  function askPlaces(url, params, done) {
    var query = Object.keys(params).map(function (name) {
      return encodeURIComponent(name) + "=" + encodeURIComponent(params[name]);
    }).join("&");
    var request = new XMLHttpRequest();
    request.open("GET", url + "?" + query);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var answer = null;
      try { answer = JSON.parse(request.responseText); } catch (error) { answer = null; }
      done(request.status === 200 || request.status === 400 ? answer : null);
    };
    request.onerror = function () { done(null); };
    request.send();
  }

  /* Report form: place a pin by address search, click, drag, "use my location" or the map's
     centre. A pin outside the city goes back to where it was (the server refuses it too). */
  function locationPicker() {
    var box = document.querySelector("[data-location-picker]");
    var element = document.getElementById("location-map");
    var search = document.querySelector("[data-address-search]");
    if (!box || !element || !window.L) { return; }
    var latInput = document.getElementById("id_lat");
    var longInput = document.getElementById("id_long");
    var status = box.querySelector("[data-pin-status]");
    var placesUrl = search ? search.getAttribute("data-places-url") : "";
    box.hidden = false;
    var hasPin = latInput.value && longInput.value;
    var start = hasPin ? [parseFloat(latInput.value), parseFloat(longInput.value)] : CHICAGO;
    var map = newMap(element, start, hasPin ? 16 : 11);
    var marker = null;
    var kept = hasPin ? window.L.latLng(start[0], start[1]) : null;  // the last pin in the city
    var checks = 0;

    function setPin(latlng) {
      if (!latlng) {
        if (marker) { map.removeLayer(marker); marker = null; }
        latInput.value = "";
        longInput.value = "";
        return;
      }
      latInput.value = latlng.lat.toFixed(6);
      longInput.value = latlng.lng.toFixed(6);
      if (!marker) {
        var label = element.getAttribute("data-pin-label") || "";
        marker = window.L.marker(latlng, { draggable: true, keyboard: true, alt: label }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), true); });
      } else {
        marker.setLatLng(latlng);
      }
    }

    /* A pin placed by hand: shown at once, then checked; outside the city it goes back. */
    function place(latlng, announce) {
      setPin(latlng);
      if (announce) { status.textContent = t("pinAt", { lat: latInput.value, long: longInput.value }); }
      if (!placesUrl) { kept = latlng; return; }
      var check = ++checks;
      askPlaces(placesUrl, { lat: latInput.value, long: longInput.value }, function (answer) {
        if (check !== checks) { return; }  // a later pin has been placed since
        if (answer && answer.outside_city) {
          setPin(kept);
          status.textContent = answer.message + (kept ? " " + t("pinBack") : "");
          status.classList.add("pin-status--refused");
          return;
        }
        status.classList.remove("pin-status--refused");
        kept = latlng;
        if (answer && answer.place && announce) {
          status.textContent = t("pinNear", { place: answer.place.label });
        }
      });
    }

    /* A place confirmed from the address search: in the city already, no check needed. */
    function confirmPlace(found) {
      checks += 1;
      kept = window.L.latLng(found.lat, found.long);
      setPin(kept);
      map.setView(kept, 17);
      status.textContent = "";  // the search box announces it
      status.classList.remove("pin-status--refused");
    }

    if (hasPin) { setPin(kept); }
    map.on("click", function (event) { place(event.latlng, true); });
    box.querySelector("[data-pin-centre]").addEventListener("click", function () {
      place(map.getCenter(), true);
    });
    box.querySelector("[data-pin-clear]").addEventListener("click", function () {
      checks += 1;
      kept = null;
      setPin(null);
      status.textContent = t("pinCleared");
      status.classList.remove("pin-status--refused");
    });
    if (search) {
      addressSearch(search, map, confirmPlace);
    }
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

  /* Report form: the address box searches (button or Enter), shows the match on the map to
     confirm, offers a short list when several match, and says so when none does. What was
     typed is never changed until the resident confirms a place. */
  function addressSearch(box, map, confirmPlace) {
    var input = box.querySelector("input");
    var button = box.querySelector("[data-address-search-button]");
    var status = box.querySelector("[data-address-status]");
    var choices = box.querySelector("[data-address-choices]");
    var confirm = box.querySelector("[data-address-confirm]");
    var url = box.getAttribute("data-places-url");
    var preview = null;
    var confirmed = null;  // the address a search filled in, while the pin is its place
    button.hidden = false;

    function reset() {
      choices.hidden = true;
      choices.querySelector("ul").textContent = "";
      confirm.hidden = true;
      if (preview) { map.removeLayer(preview); preview = null; }
    }

    function show(found) {
      reset();
      var point = window.L.latLng(found.lat, found.long);
      preview = window.L.marker(point, { keyboard: false, opacity: 0.7, alt: t("foundPin") }).addTo(map);
      map.setView(point, 17);
      confirm.querySelector("[data-address-found]").textContent = found.label;
      confirm.hidden = false;
      confirm.found = found;
      status.textContent = "";  // the question is read with the focused button (aria-describedby)
      confirm.querySelector("[data-address-yes]").focus();
    }

    function list(places) {
      reset();
      var items = choices.querySelector("ul");
      places.forEach(function (found) {
        var item = document.createElement("li");
        var choice = document.createElement("button");
        choice.type = "button";
        choice.className = "button";
        choice.textContent = found.label;
        choice.addEventListener("click", function () { show(found); });
        item.appendChild(choice);
        items.appendChild(item);
      });
      choices.hidden = false;
      status.textContent = t("several", { n: places.length });
      items.querySelector("button").focus();
    }

    function run() {
      var text = input.value.trim();
      reset();
      if (!text) { status.textContent = t("typeFirst"); input.focus(); return; }
      status.textContent = t("searching");
      askPlaces(url, { q: text }, function (answer) {
        if (!answer) { status.textContent = t("searchFailed"); return; }
        if (answer.error) { status.textContent = answer.error; return; }
        if (!answer.places.length) { status.textContent = answer.message; input.focus(); return; }
        if (answer.places.length === 1) { show(answer.places[0]); } else { list(answer.places); }
      });
    }

    button.addEventListener("click", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); run(); }
    });
    input.addEventListener("input", function () {
      // A new address typed over a searched one: the pin stays (it wins on sending), so say so.
      if (confirmed !== null && input.value.trim() !== confirmed.address) {
        status.textContent = t("pinStays", { place: confirmed.label });
        confirmed = null;
      }
    });
    confirm.querySelector("[data-address-yes]").addEventListener("click", function () {
      var found = confirm.found;
      reset();
      input.value = found.address;
      confirmed = found;
      confirmPlace(found);
      status.textContent = t("confirmed", { place: found.label });
    });
    confirm.querySelector("[data-address-no]").addEventListener("click", function () {
      reset();
      status.textContent = "";
      input.focus();
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
    /* Over a limit (429) the subscribe box comes back saying so: swap it in like a 200. */
    if (window.htmx) { window.htmx.config.responseHandling.unshift({ code: "429", swap: true }); }
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
