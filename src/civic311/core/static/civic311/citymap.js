/* civic311 maps, shared by the resident site and the back office.
   Tiles when a city configures them; otherwise, or when they fail to load, the city's own base
   map drawn from shipped data (outline, wards with their numbers, major streets with names), so
   a pin can always be placed. Pins are coloured by status, with a text legend. */
(function () {
  "use strict";

  var WORDS = {
    en: {
      legend: "Pin colours",
      "new": "New or under review",
      progress: "Work scheduled or in progress",
      closed: "Closed"
    },
    es: {
      legend: "Colores de los marcadores",
      "new": "Nueva o en revisión",
      progress: "Trabajo programado o en curso",
      closed: "Cerrada"
    }
  };
  var GROUPS = ["new", "progress", "closed"];
  // Dark enough for 3:1 against white and the base map; the glyph inside tells them apart
  // without colour.
  var COLOURS = { "new": "#b3261e", progress: "#8a4b00", closed: "#1f5fa8" };
  var GLYPHS = {
    "new": '<path d="M12 6.5v7" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>' +
      '<circle cx="12" cy="17.2" r="1.5" fill="#fff"/>',
    progress: '<circle cx="12" cy="12" r="5" fill="none" stroke="#fff" stroke-width="2"/>' +
      '<path d="M12 9v3.3l2.2 1.4" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>',
    closed: '<path d="M7.5 12.3l3 3 6-6.3" fill="none" stroke="#fff" stroke-width="2.6" ' +
      'stroke-linecap="round" stroke-linejoin="round"/>'
  };
  var LABEL_FONT = "600 11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var STREET_LABEL_MIN_ZOOM = 11;
  var MINOR_STREETS_MIN_ZOOM = 12;
  var TILE_WAIT_MS = 8000;

  function say(key, values) {
    var lang = document.documentElement.lang || "en";
    var text = (WORDS[lang.slice(0, 2)] || WORDS.en)[key] || WORDS.en[key];
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  /* The tile credit is plain text from the settings; OpenStreetMap's asks for a link to its
     copyright page, so that word becomes one. */
  function attributionHtml(text) {
    return escapeText(text).replace("OpenStreetMap",
      '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>');
  }

  /* --- the base map ------------------------------------------------------------------- */

  var basemaps = {};
  function loadBasemap(url) {
    if (!basemaps[url]) {
      basemaps[url] = window.fetch(url).then(function (response) {
        if (!response.ok) { throw new Error("base map " + response.status); }
        return response.json();
      });
    }
    return basemaps[url];
  }

  var measure = null;
  function textWidth(text) {
    if (!measure) { measure = document.createElement("canvas").getContext("2d"); measure.font = LABEL_FONT; }
    return measure.measureText(text).width;
  }

  /* A name drawn on the map: a plain element in the labels pane, never a marker, so it takes
     no clicks and is not counted or focused as one. Hidden while a zoom animates. */
  var Label = window.L.Layer.extend({
    initialize: function (latlng, className, text, angle) {
      this._latlng = window.L.latLng(latlng);
      this._className = className;
      this._text = text;
      this._angle = angle || 0;
    },
    onAdd: function (map) {
      var element = window.L.DomUtil.create("div", "citymap-label leaflet-zoom-hide " + this._className,
        map.getPane("citymapLabels"));
      var span = window.L.DomUtil.create("span", "", element);
      span.textContent = this._text;
      if (this._angle) { span.style.transform = "translate(-50%, -50%) rotate(" + this._angle.toFixed(1) + "deg)"; }
      this._element = element;
      map.on("zoomend viewreset", this._place, this);
      this._place();
    },
    onRemove: function (map) {
      map.off("zoomend viewreset", this._place, this);
      window.L.DomUtil.remove(this._element);
    },
    _place: function () {
      window.L.DomUtil.setPosition(this._element, this._map.latLngToLayerPoint(this._latlng).round());
    }
  });

  function label(latlng, className, text, angle) {
    return new Label(latlng, className, text, angle);
  }

  function overlaps(box, taken) {
    return taken.some(function (other) {
      return box[0] < other[2] && other[0] < box[2] && box[1] < other[3] && other[1] < box[3];
    });
  }

  /* The visible stretches of a street line, as runs of container points. */
  function visibleRuns(map, line, bounds) {
    var runs = [], run = null;
    for (var i = 1; i < line.length; i += 1) {
      var a = map.latLngToContainerPoint(line[i - 1]), b = map.latLngToContainerPoint(line[i]);
      var clipped = window.L.LineUtil.clipSegment(a, b, bounds, false, false);
      if (!clipped) { run = null; continue; }
      if (!run || !run[run.length - 1].equals(clipped[0])) { run = [clipped[0]]; runs.push(run); }
      run.push(clipped[1]);
    }
    return runs;
  }

  /* The point `distance` pixels along a run of points. */
  function along(run, distance) {
    for (var i = 1; i < run.length; i += 1) {
      var step = run[i - 1].distanceTo(run[i]);
      if (distance <= step) { return run[i - 1].add(run[i].subtract(run[i - 1]).multiplyBy(step ? distance / step : 0)); }
      distance -= step;
    }
    return run[run.length - 1];
  }

  function runLength(run) {
    var total = 0;
    for (var i = 1; i < run.length; i += 1) { total += run[i - 1].distanceTo(run[i]); }
    return total;
  }

  /* A place for a street's name along a straight enough visible stretch, clear of other labels. */
  function streetLabelSpot(map, lines, width, taken, bounds) {
    var runs = [];
    lines.forEach(function (line) { runs = runs.concat(visibleRuns(map, line, bounds)); });
    runs = runs.map(function (run) { return { run: run, length: runLength(run) }; })
      .filter(function (item) { return item.length > width + 24; })
      .sort(function (a, b) { return b.length - a.length; });
    var spots = [0.5, 0.3, 0.7];
    for (var r = 0; r < runs.length; r += 1) {
      for (var i = 0; i < spots.length; i += 1) {
        var middle = Math.min(Math.max(runs[r].length * spots[i], width / 2 + 12), runs[r].length - width / 2 - 12);
        var a = along(runs[r].run, middle - width / 2), b = along(runs[r].run, middle + width / 2);
        if (a.distanceTo(b) < width * 0.92) { continue; }  // bends too much under the name
        var at = along(runs[r].run, middle);
        var angle = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
        if (angle > 90) { angle -= 180; } else if (angle <= -90) { angle += 180; }
        var cos = Math.abs(Math.cos(angle * Math.PI / 180)), sin = Math.abs(Math.sin(angle * Math.PI / 180));
        var halfW = (cos * width + sin * 12) / 2 + 3, halfH = (sin * width + cos * 12) / 2 + 3;
        var box = [at.x - halfW, at.y - halfH, at.x + halfW, at.y + halfH];
        if (!overlaps(box, taken)) {
          taken.push(box);
          return { latlng: map.containerPointToLatLng(at), angle: angle };
        }
      }
    }
    return null;
  }

  function labelStreets(map, layer, streets, wardLabels) {
    layer.clearLayers();
    if (map.getZoom() < STREET_LABEL_MIN_ZOOM) { return; }
    var size = map.getSize();
    var bounds = window.L.bounds([8, 8], [size.x - 8, size.y - 8]);
    var taken = wardLabels.map(function (item) {
      var p = map.latLngToContainerPoint(item.latlng);
      return [p.x - 10, p.y - 8, p.x + 10, p.y + 8];
    });
    streets.forEach(function (street) {
      var spot = streetLabelSpot(map, street.lines, textWidth(street.name), taken, bounds);
      if (spot) { label(spot.latlng, "citymap-street-label", street.name, spot.angle).addTo(layer); }
    });
  }

  function lines(geometry) {
    var parts = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
    return parts.map(function (part) { return part.map(function (c) { return [c[1], c[0]]; }); });
  }

  var STYLES = {
    ward: { className: "citymap-ward", color: "#8b8478", weight: 1, opacity: 0.9, fillColor: "#fbf8f1", fillOpacity: 1 },
    outline: { className: "citymap-outline", color: "#4a4640", weight: 2.5, fill: false },
    street1: { className: "citymap-street citymap-street--major", color: "#c8892a", weight: 3, opacity: 0.85 },
    street2: { className: "citymap-street citymap-street--minor", color: "#d9b26f", weight: 1.8, opacity: 0.85 }
  };

  function drawBasemap(map, data) {
    var renderer = window.L.svg({ pane: "citymapBase", padding: 0.5 });
    var wardLabels = [], streets = [];
    var wards = window.L.layerGroup().addTo(map), roads = window.L.layerGroup().addTo(map);
    var minorRoads = window.L.layerGroup();
    var labels = window.L.layerGroup().addTo(map), streetNames = window.L.layerGroup().addTo(map);
    var outline = null;
    data.features.forEach(function (feature) {
      var kind = feature.properties.kind;
      if (kind === "ward") {
        var layer = window.L.geoJSON(feature, { style: STYLES.ward, renderer: renderer, interactive: false });
        wards.addLayer(layer);
        var at = window.L.latLng(feature.properties.label[1], feature.properties.label[0]);
        wardLabels.push({ latlng: at });
        label(at, "citymap-ward-label", String(feature.properties.ward)).addTo(labels);
      } else if (kind === "street") {
        var major = feature.properties.rank === 1;
        (major ? roads : minorRoads).addLayer(window.L.geoJSON(feature,
          { style: major ? STYLES.street1 : STYLES.street2, renderer: renderer, interactive: false }));
        streets.push({ name: feature.properties.name, rank: feature.properties.rank, lines: lines(feature.geometry) });
      } else if (kind === "outline") {
        outline = feature;
      }
    });
    if (outline) {
      window.L.geoJSON(outline, { style: STYLES.outline, renderer: renderer, interactive: false }).addTo(map);
    }
    streets.sort(function (a, b) { return a.rank - b.rank; });
    var relabel = function () {
      // The half-mile streets only once the grid has room for them.
      var minor = map.getZoom() >= MINOR_STREETS_MIN_ZOOM;
      if (minor !== map.hasLayer(minorRoads)) { if (minor) { minorRoads.addTo(map); } else { map.removeLayer(minorRoads); } }
      var shown = streets.filter(function (street) { return minor || street.rank === 1; });
      labelStreets(map, streetNames, shown, wardLabels);
    };
    map.on("moveend", relabel);
    relabel();
    if (data.attribution) { map.attributionControl.addAttribution(escapeText(data.attribution)); }
  }

  /* Draw the base map once on this map (after the tiles failed, or when there are none). */
  function useBasemap(map, element) {
    if (element.getAttribute("data-basemap-state")) { return; }
    element.setAttribute("data-basemap-state", "loading");
    element.classList.add("citymap--base");
    if (!map.getPane("citymapBase")) {
      map.createPane("citymapBase").style.zIndex = 250;
      var labels = map.createPane("citymapLabels");
      labels.style.zIndex = 450;
      labels.style.pointerEvents = "none";
    }
    var url = element.getAttribute("data-basemap");
    if (!url || !window.fetch) { element.setAttribute("data-basemap-state", "missing"); return; }
    loadBasemap(url).then(function (data) {
      if (!map._container) { return; }  // the map was removed while the data loaded
      drawBasemap(map, data);
      element.setAttribute("data-basemap-state", "drawn");
      map.fire("citymap:basemap");
    }, function () { element.setAttribute("data-basemap-state", "failed"); });
  }

  /* Tiles from the settings, falling back to the base map when none load. */
  function tiles(map, element) {
    var url = element.getAttribute("data-tiles");
    if (!url) { useBasemap(map, element); return; }
    var attribution = element.getAttribute("data-attribution") || "";
    // The site sends no Referer across origins (Django's same-origin policy), but tile servers
    // such as OpenStreetMap's require one: tiles get this site's origin, never the page's path.
    var layer = window.L.tileLayer(url, { maxZoom: 19, referrerPolicy: "strict-origin-when-cross-origin",
      attribution: attribution ? attributionHtml(attribution) : "" });
    var loaded = false;
    var timer = null;
    function fallBack() {
      if (loaded) { return; }
      window.clearTimeout(timer);
      map.removeLayer(layer);
      useBasemap(map, element);
    }
    layer.on("tileload", function () { loaded = true; window.clearTimeout(timer); });
    // "load" fires once every tile in view has either loaded or failed.
    layer.on("load", fallBack);
    timer = window.setTimeout(fallBack, TILE_WAIT_MS);
    layer.addTo(map);
  }

  /* --- pins and their legend ------------------------------------------------------- */

  function pinSvg(group, size) {
    var colour = COLOURS[group] || COLOURS["new"];
    return '<svg viewBox="0 0 24 34" width="' + size + '" height="' + Math.round(size * 34 / 24) + '" aria-hidden="true" focusable="false">' +
      '<path d="M12 33C12 33 1.5 20.5 1.5 12a10.5 10.5 0 0 1 21 0C22.5 20.5 12 33 12 33z" fill="' + colour +
      '" stroke="#fff" stroke-width="1.5"/>' + (GLYPHS[group] || "") + "</svg>";
  }

  /* A marker coloured by its status group, named for screen readers by its title. */
  function pin(latlng, options) {
    var group = GROUPS.indexOf(options.group) >= 0 ? options.group : "new";
    var title = options.title ? options.title + " · " + say(group) : say(group);
    return window.L.marker(latlng, {
      icon: window.L.divIcon({ className: "citymap-pin citymap-pin--" + group, html: pinSvg(group, 24),
        iconSize: [24, 34], iconAnchor: [12, 33], popupAnchor: [0, -30] }),
      title: title, alt: title, keyboard: options.keyboard !== false, riseOnHover: true
    });
  }

  /* The text legend of the pin colours, placed after the map (once). */
  function legend(element) {
    var next = element.nextElementSibling;
    if (next && next.classList.contains("citymap-legend")) { return next; }
    var list = document.createElement("ul");
    list.className = "citymap-legend";
    list.setAttribute("aria-label", say("legend"));
    GROUPS.forEach(function (group) {
      var item = document.createElement("li");
      item.className = "citymap-legend__item citymap-legend__item--" + group;
      item.innerHTML = pinSvg(group, 14);
      item.appendChild(document.createTextNode(say(group)));
      list.appendChild(item);
    });
    element.parentNode.insertBefore(list, element.nextSibling);
    return list;
  }

  window.CityMap = { tiles: tiles, useBasemap: useBasemap, pin: pin, legend: legend, groups: GROUPS };
})();
