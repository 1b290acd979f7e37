/* Planning maps (MapLibre, vendored). Each `.rencana-map` element names a JSON config:
 *   {bounds, outline (GeoJSON geometry of the village or null), layers: [FeatureCollection…], draw: "<textarea id>"}
 * With `draw`, buttons choose point / line / area; clicks add vertices and the geometry is written to the
 * textarea as GeoJSON (the server checks it is valid and inside the village). */
(function () {
  "use strict";
  const COLOURS = {
    masalah: "#c0392b", potensi: "#2e86c1", draf: "#7f8c8d", disepakati: "#f39c12", diteruskan: "#8e44ad",
    diterima: "#27ae60", ditolak: "#c0392b", dilanjutkan: "#95a5a6",
    berjalan: "#2e86c1", terlambat: "#c0392b", selesai: "#27ae60",
  };
  const colour = ["match", ["get", "status"], ...Object.entries(COLOURS).flat(), "#34495e"];

  function init(el) {
    const cfg = JSON.parse(document.getElementById(el.dataset.config).textContent);
    const b = cfg.bounds;
    const map = new maplibregl.Map({
      container: el,
      style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#eef2ea" } }] },
      bounds: b ? [[b[0], b[1]], [b[2], b[3]]] : undefined,
      fitBoundsOptions: { padding: 20 },
      dragRotate: false,
    });
    window.rencanaMap = map;
    window.rencanaMaps = window.rencanaMaps || {};
    window.rencanaMaps[el.id || el.dataset.config] = map;
    map.on("load", () => {
      if (cfg.outline) {
        map.addSource("outline", { type: "geojson", data: cfg.outline });
        map.addLayer({ id: "outline", type: "line", source: "outline", paint: { "line-color": "#1e5631", "line-width": 2 } });
      }
      (cfg.layers || []).forEach((data, i) => {
        const id = "data" + i;
        map.addSource(id, { type: "geojson", data });
        map.addLayer({ id: id + "-fill", type: "fill", source: id, filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": colour, "fill-opacity": 0.3 } });
        map.addLayer({ id: id + "-line", type: "line", source: id, filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": colour, "line-width": 3 } });
        map.addLayer({ id: id + "-pt", type: "circle", source: id, filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": colour, "circle-radius": 6, "circle-stroke-color": "#fff", "circle-stroke-width": 1 } });
        map.on("click", id + "-pt", (e) => popup(map, e));
        map.on("click", id + "-line", (e) => popup(map, e));
      });
      if (cfg.draw) drawing(map, document.getElementById(cfg.draw), el);
      el.dataset.ready = "1";
    });
  }

  function popup(map, e) {
    if (map._rencanaDrawing) return;
    const p = e.features[0].properties;
    new maplibregl.Popup().setLngLat(e.lngLat).setText(p.title + " (" + p.status + ")").addTo(map);
  }

  function drawing(map, textarea, el) {
    let mode = "Point";
    let coords = [];
    map._rencanaDrawing = true;
    map.addSource("draft", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({ id: "draft-fill", type: "fill", source: "draft", filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#e67e22", "fill-opacity": 0.35 } });
    map.addLayer({ id: "draft-line", type: "line", source: "draft", paint: { "line-color": "#e67e22", "line-width": 3 } });
    map.addLayer({ id: "draft-pt", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": "#e67e22", "circle-radius": 6 } });
    function geometry() {
      if (!coords.length) return null;
      if (mode === "Point") return { type: "Point", coordinates: coords[coords.length - 1] };
      if (mode === "LineString") return coords.length > 1 ? { type: "LineString", coordinates: coords } : null;
      return coords.length > 2 ? { type: "Polygon", coordinates: [[...coords, coords[0]]] } : null;
    }
    function refresh() {
      const g = geometry();
      const shown = g ? [{ type: "Feature", geometry: g, properties: {} }] : coords.map((c) => ({ type: "Feature", geometry: { type: "Point", coordinates: c }, properties: {} }));
      map.getSource("draft").setData({ type: "FeatureCollection", features: shown });
      textarea.value = g ? JSON.stringify(g) : "";
    }
    map.on("click", (e) => {
      const c = [Number(e.lngLat.lng.toFixed(7)), Number(e.lngLat.lat.toFixed(7))];
      coords = mode === "Point" ? [c] : coords.concat([c]);
      refresh();
    });
    const tools = el.parentElement.querySelectorAll("[data-draw-mode]");
    tools.forEach((button) => button.addEventListener("click", () => {
      if (button.dataset.drawMode === "clear") { coords = []; } else { mode = button.dataset.drawMode; coords = []; }
      tools.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      refresh();
    }));
  }

  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".rencana-map").forEach(init));
})();
