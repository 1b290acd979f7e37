/* Dusun Online: the layers map of the village, kecamatan and kabupaten pages (MapLibre GL JS, vendored).
 *
 * Reads its configuration from <script id="ruang-map-config" type="application/json"> (written by the
 * ruang_panel template tag): the area and its bounds, one vector-tile source per layer (URLs pinned to
 * the data version, so tiles can be cached), the land-cover snapshots, category colours, the labels of
 * coded attributes and the UI texts in the page's language.
 *
 * - Layer switcher: the checkboxes of #ruang-controls show and hide each layer; the snapshot <select>
 *   swaps the land-cover tiles and the legend shown (legends are rendered by the server, one per
 *   snapshot, and only toggled here).
 * - Popups: built with DOM nodes and textContent only. Feature attributes are user data (imported files
 *   may carry markup or scripts), so nothing from a feature is ever parsed as HTML.
 * - No basemap is needed; when the site configures one (DUSUN_BASEMAP_URL) it is drawn underneath and
 *   can be switched off.
 * The map object is kept in window.dusunLayersMap for tests and the console.
 */
(function () {
  "use strict";

  const PREFIX = "ruang-";

  function readConfig() {
    const node = document.getElementById("ruang-map-config");
    return node ? JSON.parse(node.textContent) : null;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  function match(property, colours, fallback) {
    const pairs = Object.entries(colours || {});
    if (!pairs.length) return fallback;
    const expression = ["match", ["get", property]];
    for (const [value, colour] of pairs) expression.push(value, colour);
    expression.push(fallback);
    return expression;
  }

  function baseStyle(body) {
    const style = {
      version: 8,
      sources: {},
      layers: [{ id: PREFIX + "background", type: "background", paint: { "background-color": "#eef2ea" } }],
    };
    if (body.basemapUrl) {
      style.sources[PREFIX + "basemap"] = {
        type: "raster", tiles: [body.basemapUrl], tileSize: 256, attribution: body.basemapAttribution || "",
      };
      style.layers.push({ id: PREFIX + "basemap", type: "raster", source: PREFIX + "basemap" });
    }
    return style;
  }

  /* The MapLibre style layers of one data layer, bottom to top. Their ids start with "ruang-<slug>-". */
  function styleLayers(layer, styles, withBasemap) {
    const id = (suffix) => PREFIX + layer.id + "-" + suffix;
    const common = { source: PREFIX + layer.id, "source-layer": layer.id, layout: { visibility: layer.visible ? "visible" : "none" } };
    const s = styles[layer.id] || {};
    const isPolygon = ["==", ["geometry-type"], "Polygon"];
    const isLine = ["==", ["geometry-type"], "LineString"];
    const isPoint = ["==", ["geometry-type"], "Point"];
    switch (layer.id) {
      case "tutupan-lahan":
        return [
          { ...common, id: id("fill"), type: "fill",
            paint: { "fill-color": ["get", "warna"], "fill-opacity": withBasemap ? 0.7 : 0.9 } },
          { ...common, id: id("line"), type: "line", minzoom: 14,
            paint: { "line-color": "rgba(40, 40, 40, 0.35)", "line-width": 0.5 } },
        ];
      case "persil":
        return [
          { ...common, id: id("fill"), type: "fill", paint: { "fill-color": s.default, "fill-opacity": 0.05 } },
          { ...common, id: id("line"), type: "line", paint: { "line-color": s.default, "line-width": 1 } },
        ];
      case "kawasan":
        return [
          { ...common, id: id("fill"), type: "fill",
            paint: { "fill-color": match("kind", s.kind, s.default), "fill-opacity": 0.12 } },
          { ...common, id: id("line"), type: "line",
            paint: { "line-color": match("kind", s.kind, s.default), "line-width": 2, "line-dasharray": [3, 1.5] } },
        ];
      case "bangunan":
        return [
          { ...common, id: id("fill"), type: "fill",
            paint: { "fill-color": match("use", s.use, s.default), "fill-opacity": 0.9,
                     "fill-outline-color": "rgba(30, 20, 10, 0.6)" } },
        ];
      case "jaringan": {
        const roadColour = match("surface", s.surface, s.default);
        return [
          { ...common, id: id("sungai"), type: "line", filter: ["!=", ["get", "kind"], "jalan"],
            paint: { "line-color": match("kind", s.kind, s.default),
                     "line-width": ["interpolate", ["linear"], ["zoom"], 8, 1, 14, 3],
                     "line-dasharray": ["case", ["==", ["get", "kind"], "listrik"], ["literal", [2, 2]], ["literal", [1, 0]]] } },
          { ...common, id: id("jalan"), type: "line", filter: ["==", ["get", "kind"], "jalan"],
            layout: { ...common.layout, "line-cap": "round", "line-join": "round" },
            paint: { "line-color": roadColour,
                     "line-width": ["interpolate", ["linear"], ["zoom"], 8,
                                    ["match", ["get", "surface"], "aspal", 1.4, 0.6], 15,
                                    ["match", ["get", "surface"], "aspal", 5, "setapak", 1.2, 3]],
                     "line-dasharray": ["case", ["==", ["get", "surface"], "setapak"], ["literal", [2, 1.5]], ["literal", [1, 0]]] } },
        ];
      }
      case "bencana":
      case "potensi":
        return [
          { ...common, id: id("fill"), type: "fill", filter: isPolygon,
            paint: { "fill-color": s.default, "fill-opacity": 0.25 } },
          { ...common, id: id("line"), type: "line", filter: ["any", isPolygon, isLine],
            paint: { "line-color": s.default, "line-width": 1.5 } },
          { ...common, id: id("point"), type: "circle", filter: isPoint,
            paint: { "circle-color": s.default, "circle-radius": ["interpolate", ["linear"], ["zoom"], 9, 3.5, 15, 7],
                     "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } },
        ];
      case "fasilitas":
        return [
          { ...common, id: id("point"), type: "circle",
            paint: { "circle-color": match("kind", s.kind, s.default),
                     "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 2.5, 16, 7],
                     "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 } },
        ];
      default:
        return [];
    }
  }

  function styleIds(map, slug) {
    return map.getStyle().layers.map((l) => l.id).filter((id) => id.startsWith(PREFIX + slug + "-"));
  }

  function formatValue(layer, key, value, config, lang) {
    const labels = (layer.labels || {})[key];
    if (labels && labels[value] !== undefined) return labels[value];
    if (typeof value === "number") {
      const digits = key === "area_ha" ? 2 : key === "floors" ? 0 : 1;
      const text = value.toLocaleString(lang, { maximumFractionDigits: digits, minimumFractionDigits: key === "area_ha" ? 2 : 0 });
      if (key === "area_ha") return text + " " + config.text.ha;
      if (key === "area_m2") return text + " " + config.text.m2;
      if (key === "length_m" || key === "width_m") return text + " " + config.text.m;
      return text;
    }
    if (typeof value === "boolean") return value ? "✓" : "—";
    return String(value);
  }

  /* A popup body from a feature, with DOM nodes and textContent only (never HTML from data). */
  function popupContent(feature, layer, config, lang) {
    const p = feature.properties || {};
    const root = document.createElement("div");
    root.className = "ruang-popup";
    const title = document.createElement("h3");
    const categoryKey = { "tutupan-lahan": "kelas_nama", bangunan: "use", persil: "tenure" }[layer.id] || "kind";
    const category = p[categoryKey] !== undefined ? formatValue(layer, categoryKey, p[categoryKey], config, lang) : "";
    title.textContent = p.name ? String(p.name) : category || layer.title;
    root.appendChild(title);
    const subtitle = document.createElement("p");
    subtitle.className = "ruang-note";
    subtitle.textContent = layer.title + (p.name && category ? " · " + category : "") + (p.demo ? " · " + config.text.demo : "");
    root.appendChild(subtitle);
    if (p.ringkasan) {
      const note = document.createElement("p");
      note.textContent = format(config.text.overview, { zoom: layer.detailZoom });
      root.appendChild(note);
      return root;
    }
    const list = document.createElement("dl");
    for (const [key, label] of layer.fields) {
      const value = p[key];
      if (value === undefined || value === null || value === "" || key === categoryKey) continue;
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = formatValue(layer, key, value, config, lang);
      list.append(dt, dd);
    }
    root.appendChild(list);
    return root;
  }

  function init() {
    const config = readConfig();
    const container = document.getElementById("ruang-map");
    if (!config || !container || typeof maplibregl === "undefined") return;
    const body = document.body.dataset;
    const lang = document.documentElement.lang || "id";
    const b = config.bounds;
    const map = new maplibregl.Map({
      container,
      style: baseStyle(body),
      bounds: b ? [[b[0], b[1]], [b[2], b[3]]] : undefined,
      fitBoundsOptions: { padding: 20 },
      attributionControl: { compact: true },
      dragRotate: false,
      pitchWithRotate: false,
      cooperativeGestures: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));
    window.dusunLayersMap = map;

    const controls = document.getElementById("ruang-controls");
    const byId = Object.fromEntries(config.layers.map((l) => [l.id, l]));
    const interactive = [];

    map.on("load", () => {
      for (const layer of config.layers) {
        map.addSource(PREFIX + layer.id, {
          type: "vector", tiles: [layer.tiles], minzoom: layer.minzoom, maxzoom: layer.maxzoom,
          bounds: config.dataBounds || undefined, attribution: "Dusun Online",
        });
        for (const def of styleLayers(layer, config.styles, Boolean(body.basemapUrl))) {
          map.addLayer(def);
          interactive.push(def.id);
        }
      }
      // Village boundaries on top (the wilayah app's tiles), the page's own area drawn thicker.
      map.addSource(PREFIX + "dusun", { type: "vector", tiles: [config.villageTiles], minzoom: 0, maxzoom: 14 });
      map.addLayer({ id: PREFIX + "dusun-batas", type: "line", source: PREFIX + "dusun", "source-layer": "dusun",
                     paint: { "line-color": "#2b2b2b", "line-width": 0.8, "line-opacity": 0.7 } });
      const kode = config.area.kode;
      const focus = config.area.level === "kabupaten" ? ["literal", false]
        : config.area.level === "dusun" ? ["==", ["get", "kode"], kode]
        : ["==", ["slice", ["get", "kode"], 0, kode.length + 1], kode + "."];
      map.addLayer({ id: PREFIX + "dusun-fokus", type: "line", source: PREFIX + "dusun", "source-layer": "dusun",
                     filter: focus, paint: { "line-color": "#111111", "line-width": 2.5 } });
      syncLegends();
      zoomNote();
    });

    map.on("mousemove", (e) => {
      const hit = interactive.length && map.queryRenderedFeatures(e.point, { layers: visibleInteractive() }).length;
      map.getCanvas().style.cursor = hit ? "pointer" : "";
    });
    map.on("click", (e) => {
      const features = map.queryRenderedFeatures(e.point, { layers: visibleInteractive() });
      if (!features.length) return;
      const feature = features[0];
      const layer = byId[feature.layer.id.slice(PREFIX.length).replace(/-(fill|line|point|sungai|jalan)$/, "")];
      if (!layer) return;
      new maplibregl.Popup({ maxWidth: "22rem" })
        .setLngLat(e.lngLat)
        .setDOMContent(popupContent(feature, layer, config, lang))
        .addTo(map);
    });
    map.on("zoomend", zoomNote);

    function visibleInteractive() {
      return interactive.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, "visibility") !== "none");
    }

    function checked(slug) {
      const box = controls && controls.querySelector('input[name="layer"][value="' + slug + '"]');
      return box ? box.checked : Boolean(byId[slug] && byId[slug].visible);
    }

    function syncLegends() {
      if (!controls) return;
      controls.querySelectorAll("[data-legend-layer]").forEach((el) => { el.hidden = !checked(el.dataset.legendLayer); });
      const snapshot = controls.querySelector("#ruang-snapshot");
      controls.querySelectorAll("[data-legend-snapshot]").forEach((el) => {
        el.hidden = !checked("tutupan-lahan") || (snapshot && el.dataset.legendSnapshot !== snapshot.value);
      });
    }

    function zoomNote() {
      const note = document.getElementById("ruang-zoom");
      if (!note) return;
      const zoom = map.getZoom();
      const messages = [];
      for (const layer of config.layers) {
        if (!checked(layer.id)) continue;
        if (zoom < layer.minzoom) messages.push(format(config.text.zoomIn, { layer: layer.title, zoom: layer.minzoom }));
        else if (layer.id === "tutupan-lahan" && zoom < layer.detailZoom) messages.push(format(config.text.overview, { zoom: layer.detailZoom }));
      }
      note.textContent = messages.join(" ");
    }

    if (controls) {
      controls.addEventListener("change", (event) => {
        const target = event.target;
        if (target.name === "layer") {
          for (const id of styleIds(map, target.value)) map.setLayoutProperty(id, "visibility", target.checked ? "visible" : "none");
        } else if (target.name === "basemap" && map.getLayer(PREFIX + "basemap")) {
          map.setLayoutProperty(PREFIX + "basemap", "visibility", target.checked ? "visible" : "none");
        } else if (target.name === "snapshot") {
          const snapshot = config.snapshots.find((s) => String(s.id) === target.value);
          const source = map.getSource(PREFIX + "tutupan-lahan");
          if (snapshot && source) source.setTiles([snapshot.tiles]);
        }
        syncLegends();
        zoomNote();
      });
      const toggle = document.getElementById("ruang-basemap-toggle");
      if (toggle && body.basemapUrl) toggle.hidden = false;
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
