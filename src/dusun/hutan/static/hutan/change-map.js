/* The change map of one village: polygons that changed class between two snapshots, from the page's
 * GeoJSON endpoint; red = natural-forest loss, green = gain, yellow = other change; the village's managed
 * areas (hutan desa, hutan lindung, concessions, …) as dashed purple outlines on top. MapLibre (vendored). */
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
      if (config.managed_url) {
        map.addSource("kawasan", { type: "geojson", data: config.managed_url });
        map.addLayer({
          id: "kawasan",
          type: "line",
          source: "kawasan",
          paint: { "line-color": "#5b2a86", "line-width": 2.5, "line-dasharray": [2, 1] },
        });
      }
      map.on("click", (e) => {
        // One popup for whatever was clicked: the change polygon and the managed area it lies in.
        const layers = ["perubahan", "kawasan"].filter((id) => map.getLayer(id));
        const hits = map.queryRenderedFeatures(e.point, { layers: layers });
        const change = hits.find((f) => f.layer.id === "perubahan");
        const area = hits.find((f) => f.layer.id === "kawasan");
        const lines = [];
        if (change) lines.push(`${change.properties.dari} → ${change.properties.ke}: ${change.properties.luas_ha} ha`);
        if (area) lines.push(`${area.properties.jenis_label}${area.properties.nama ? ": " + area.properties.nama : ""}`);
        if (lines.length) new maplibregl.Popup().setLngLat(e.lngLat).setText(lines.join(" · ")).addTo(map);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
