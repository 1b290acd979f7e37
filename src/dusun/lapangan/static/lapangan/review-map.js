/* The review page's map: the village outline, the record as it is now (grey) and what the phone sent
 * (orange), so a reviewer sees a moved point or a new shape before approving. No basemap is required. */
(function () {
  "use strict";
  const el = document.getElementById("review-map");
  const config = el && JSON.parse(document.getElementById("review-map-data").textContent);
  if (!config || !window.maplibregl) return;
  const body = document.body.dataset;
  const style = {
    version: 8,
    sources: { review: { type: "geojson", data: config.geojson } },
    layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2ea" } }],
  };
  if (body.basemapUrl) {
    style.sources.basemap = { type: "raster", tiles: [body.basemapUrl], tileSize: 256, attribution: body.basemapAttribution || "" };
    style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  const colour = ["match", ["get", "role"], "desa", "#2f6f3e", "sekarang", "#64748b", "#ea580c"];
  const notVillage = ["!=", ["get", "role"], "desa"];
  style.layers.push(
    { id: "area", type: "fill", source: "review", filter: ["all", notVillage, ["==", ["geometry-type"], "Polygon"]], paint: { "fill-color": colour, "fill-opacity": 0.3 } },
    { id: "line", type: "line", source: "review", filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": colour, "line-width": ["match", ["get", "role"], "desa", 1.5, 3] } },
    { id: "point", type: "circle", source: "review", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": colour, "circle-radius": 7, "circle-stroke-color": "#fff", "circle-stroke-width": 2 } },
  );
  const b = config.bounds;
  const map = new maplibregl.Map({ container: el, style, bounds: [[b[0], b[1]], [b[2], b[3]]], fitBoundsOptions: { padding: 24 }, attributionControl: { compact: true } });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  window.dusunReviewMap = map;
})();
