/* Thematic (choropleth) map: colours the village tiles (or simplified kecamatan boundaries) from the
 * server's classification in #tematik-config; re-reads it after every htmx swap of the result panel.
 * The table below the map holds the same data (and sorts): the map is never the only way to read it.
 * window.tematikMap is kept for tests and the console.
 */
(function () {
  "use strict";
  let map = null;
  let popup = null;
  let config = null;
  let ready = false; // the layers exist (isStyleLoaded() is false while tiles load, so it is not used)

  function readConfig() {
    const el = document.getElementById("tematik-config");
    return el ? JSON.parse(el.textContent) : null;
  }

  function colourExpression() {
    const expr = ["match", ["get", "kode"]];
    for (const [kode, hex] of Object.entries(config.colours)) expr.push(kode, hex);
    expr.push(config.no_data);
    return expr.length > 3 ? expr : config.no_data;
  }

  function baseStyle() {
    const style = { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f6f2" } }] };
    const body = document.body.dataset;
    if (body.basemapUrl) {
      style.sources.basemap = { type: "raster", tiles: [body.basemapUrl], tileSize: 256, attribution: body.basemapAttribution || "" };
      style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
    }
    return style;
  }

  function label(props) {
    const value = config.labels[props.kode];
    return props.nama + ": " + (value === undefined ? "—" : value) + " " + (config.unit || "");
  }

  function apply() {
    config = readConfig();
    if (!map || !config || !ready) return;
    const dusun = config.level === "dusun";
    map.setLayoutProperty("dusun-fill", "visibility", dusun ? "visible" : "none");
    map.setLayoutProperty("kecamatan-fill", "visibility", dusun ? "none" : "visible");
    map.setLayoutProperty("kecamatan-line", "visibility", dusun ? "none" : "visible");
    map.setPaintProperty(dusun ? "dusun-fill" : "kecamatan-fill", "fill-color", colourExpression());
    if (popup) popup.remove();
    map.getContainer().dataset.level = config.level;
    map.getContainer().dataset.applied = String(Date.now());
  }

  function hover(layerId) {
    const tip = document.getElementById("map-tooltip");
    map.on("mousemove", layerId, (e) => {
      map.getCanvas().style.cursor = "pointer";
      tip.textContent = label(e.features[0].properties);
      tip.hidden = false;
      tip.style.left = e.point.x + 12 + "px";
      tip.style.top = e.point.y + 12 + "px";
    });
    map.on("mouseleave", layerId, () => { map.getCanvas().style.cursor = ""; tip.hidden = true; });
    map.on("click", layerId, (e) => {
      const props = e.features[0].properties;
      const link = document.createElement("a");
      link.href = (config.level === "dusun" ? "/dusun/" : "/kecamatan/") + encodeURIComponent(props.kode) + "/";
      link.textContent = label(props);
      if (popup) popup.remove();
      popup = new maplibregl.Popup({ closeButton: true }).setLngLat(e.lngLat).setDOMContent(link).addTo(map);
    });
  }

  function init() {
    config = readConfig();
    const el = document.getElementById("map");
    if (!el || !config || typeof maplibregl === "undefined") return;
    const b = config.bounds;
    map = new maplibregl.Map({
      container: el, style: baseStyle(), dragRotate: false, pitchWithRotate: false,
      bounds: b ? [[b[0], b[1]], [b[2], b[3]]] : undefined, fitBoundsOptions: { padding: 16 },
      attributionControl: { compact: true },
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    window.tematikMap = map;
    map.on("load", () => {
      map.addSource("dusun", { type: "vector", tiles: [config.tiles], minzoom: 0, maxzoom: 14, promoteId: "kode" });
      map.addSource("kecamatan", { type: "geojson", data: config.kecamatan_url, promoteId: "kode" });
      map.addLayer({ id: "dusun-fill", type: "fill", source: "dusun", "source-layer": "dusun", paint: { "fill-color": config.no_data, "fill-opacity": 0.85 } });
      map.addLayer({ id: "dusun-line", type: "line", source: "dusun", "source-layer": "dusun", paint: { "line-color": "#ffffff", "line-width": 0.6 } });
      map.addLayer({ id: "kecamatan-fill", type: "fill", source: "kecamatan", paint: { "fill-color": config.no_data, "fill-opacity": 0.85 } });
      map.addLayer({ id: "kecamatan-line", type: "line", source: "kecamatan", paint: { "line-color": "#1d2a22", "line-width": 1.2 } });
      hover("dusun-fill");
      hover("kecamatan-fill");
      ready = true;
      apply();
    });
  }

  // Sortable table: buttons in the header sort by text or by the number in data-value (empty last).
  function sortTable(button) {
    const th = button.closest("th");
    const table = th.closest("table");
    const index = Array.from(th.parentNode.children).indexOf(th);
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach((h) => h.setAttribute("aria-sort", "none"));
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const numeric = button.dataset.sort === "number";
    const rows = Array.from(table.tBodies[0].rows);
    const key = (row) => {
      const cell = row.children[index];
      if (!numeric) return cell.textContent.trim().toLowerCase();
      const v = cell.dataset.value;
      return v === "" || v === undefined ? null : parseFloat(v);
    };
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === null) return 1;
      if (y === null) return -1;
      const c = numeric ? x - y : x.localeCompare(y, "id");
      return ascending ? c : -c;
    });
    rows.forEach((r) => table.tBodies[0].appendChild(r));
  }

  document.addEventListener("click", (e) => {
    const button = e.target.closest("table.sortable th button");
    if (button) sortTable(button);
  });
  document.addEventListener("htmx:afterSettle", (e) => { if (e.target.id === "tematik-hasil") apply(); });
  document.addEventListener("DOMContentLoaded", init);
})();
