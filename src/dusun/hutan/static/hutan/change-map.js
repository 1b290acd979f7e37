/* The change map of one village: polygons that changed class between two snapshots, from the page's
 * GeoJSON endpoint; red = natural-forest loss, green = gain, yellow = other change. MapLibre (vendored). */
(function () {
  "use strict";
  function start() {
    const el = document.getElementById("change-map");
    const configEl = document.getElementById("change-map-config");
    if (!el || !configEl || !window.maplibregl) return;
    const config = JSON.parse(configEl.textContent);
    const b = config.bounds;
    const map = new maplibregl.Map({
      container: el,
      style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#eef2ea" } }] },
      bounds: b ? [[b[0], b[1]], [b[2], b[3]]] : undefined,
      fitBoundsOptions: { padding: 16 },
      dragRotate: false,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    window.hutanMap = map;
    map.on("load", () => {
      map.addSource("perubahan", { type: "geojson", data: config.url });
      map.addLayer({
        id: "perubahan",
        type: "fill",
        source: "perubahan",
        paint: {
          "fill-color": ["match", ["get", "jenis"], "loss", "#d7301f", "gain", "#1a9850", "#f6c344"],
          "fill-opacity": 0.8,
          "fill-outline-color": "#333333",
        },
      });
      map.on("click", "perubahan", (e) => {
        const p = e.features[0].properties;
        new maplibregl.Popup().setLngLat(e.lngLat).setText(`${p.dari} → ${p.ke}: ${p.luas_ha} ha`).addTo(map);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
