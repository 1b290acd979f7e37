/* Dusun Online maps (MapLibre GL JS, vendored; no CDN, no basemap required).
 *
 * DusunMap.kabupaten(el, configId): all villages from vector tiles, coloured by kecamatan, hover shows
 *   the name, click opens the village page.
 * DusunMap.areas(el, configId): a few areas from inline GeoJSON (a village with its neighbours, or a
 *   kecamatan with its villages).
 * The map object is kept in window.dusunMap so tests and the console can query rendered features.
 */
(function () {
  "use strict";

  function readConfig(configId) {
    return JSON.parse(document.getElementById(configId).textContent);
  }

  function baseStyle() {
    const style = {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2ea" } }],
    };
    const body = document.body.dataset;
    if (body.basemapUrl) {
      style.sources.basemap = { type: "raster", tiles: [body.basemapUrl], tileSize: 256, attribution: body.basemapAttribution || "" };
      style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
    }
    return style;
  }

  function createMap(el, bounds) {
    const map = new maplibregl.Map({
      container: el,
      style: baseStyle(),
      bounds: bounds ? [[bounds[0], bounds[1]], [bounds[2], bounds[3]]] : undefined,
      fitBoundsOptions: { padding: 16 },
      attributionControl: { compact: true },
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    window.dusunMap = map;
    return map;
  }

  function tooltip(map, layerId, text) {
    const tip = document.getElementById("map-tooltip");
    let hovered = null;
    const source = map.getLayer(layerId).source;
    const sourceLayer = map.getLayer(layerId).sourceLayer;
    function setHover(id, on) {
      if (id !== null && id !== undefined) map.setFeatureState({ source, sourceLayer, id }, { hover: on });
    }
    map.on("mousemove", layerId, (e) => {
      const feature = e.features[0];
      map.getCanvas().style.cursor = "pointer";
      if (hovered !== feature.id) { setHover(hovered, false); hovered = feature.id; setHover(hovered, true); }
      if (tip) {
        tip.textContent = text(feature.properties);
        tip.hidden = false;
        tip.style.left = e.point.x + 12 + "px";
        tip.style.top = e.point.y + 12 + "px";
      }
    });
    map.on("mouseleave", layerId, () => {
      map.getCanvas().style.cursor = "";
      setHover(hovered, false);
      hovered = null;
      if (tip) tip.hidden = true;
    });
  }

  function openOnClick(map, layerId) {
    map.on("click", layerId, (e) => {
      const kode = e.features[0].properties.kode;
      if (kode) window.location.href = "/dusun/" + encodeURIComponent(kode) + "/";
    });
  }

  function kabupaten(elId, configId) {
    const config = readConfig(configId);
    const map = createMap(elId, config.bounds);
    const colour = ["match", ["get", "kecamatan_kode"]];
    for (const [kode, hex] of Object.entries(config.palette)) colour.push(kode, hex);
    colour.push("#999999");
    document.querySelectorAll(".legend .swatch").forEach((s) => { s.style.background = config.palette[s.dataset.kode] || "#999"; });

    map.on("load", () => {
      map.addSource("dusun", { type: "vector", tiles: [config.tiles], minzoom: 0, maxzoom: 14, promoteId: "kode" });
      map.addLayer({
        id: "dusun-fill", type: "fill", source: "dusun", "source-layer": "dusun",
        paint: { "fill-color": colour, "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.9, 0.6] },
      });
      map.addLayer({
        id: "dusun-line", type: "line", source: "dusun", "source-layer": "dusun",
        paint: { "line-color": "#ffffff", "line-width": ["case", ["boolean", ["feature-state", "hover"], false], 2.5, 0.8] },
      });
      tooltip(map, "dusun-fill", (p) => p.nama + " — Kec. " + p.kecamatan_nama);
      openOnClick(map, "dusun-fill");
    });
    return map;
  }

  function areas(elId, configId) {
    const config = readConfig(configId);
    const map = createMap(elId, config.bounds);
    map.on("load", () => {
      map.addSource("areas", { type: "geojson", data: config.features, promoteId: "kode" });
      const role = ["get", "role"];
      map.addLayer({
        id: "areas-fill", type: "fill", source: "areas", filter: ["!=", role, "outline"],
        paint: {
          "fill-color": ["match", role, "focus", "#2f7d4f", "village", "#4e79a7", "#c9d3c0"],
          "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.85, 0.55],
        },
      });
      map.addLayer({
        id: "areas-line", type: "line", source: "areas",
        paint: {
          "line-color": ["match", role, "focus", "#17402a", "outline", "#333333", "#ffffff"],
          "line-width": ["match", role, "focus", 2.5, "outline", 2, 1],
        },
      });
      tooltip(map, "areas-fill", (p) => p.nama);
      openOnClick(map, "areas-fill");
    });
    return map;
  }

  window.DusunMap = { kabupaten, areas };
})();
