/* The IDM status map: every village from the shared vector tiles, coloured by its status in the chosen
 * year (kode → colour from the page's JSON config); hover names it, click opens its index page.
 * No CDN, no basemap needed. The map is kept in window.dusunMap so tests can query rendered features. */
(function () {
  "use strict";

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

  function statusMap(elId, configId) {
    const config = JSON.parse(document.getElementById(configId).textContent);
    const b = config.bounds;
    const map = new maplibregl.Map({
      container: elId,
      style: baseStyle(),
      bounds: b ? [[b[0], b[1]], [b[2], b[3]]] : undefined,
      fitBoundsOptions: { padding: 16 },
      attributionControl: { compact: true },
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    window.dusunMap = map;

    const entries = Object.entries(config.colours);
    let colour = "#d9dcd6";
    if (entries.length) {
      colour = ["match", ["get", "kode"]];
      for (const [kode, hex] of entries) colour.push(kode, hex);
      colour.push("#d9dcd6");
    }
    // Villages outside the page's area (a kecamatan page shows its neighbours too) are drawn faint.
    const inside = ["==", ["index-of", config.focus + ".", ["get", "kode"]], 0];

    map.on("load", () => {
      map.addSource("dusun", { type: "vector", tiles: [config.tiles], minzoom: 0, maxzoom: 14, promoteId: "kode" });
      map.addLayer({
        id: "idm-fill", type: "fill", source: "dusun", "source-layer": "dusun",
        paint: {
          "fill-color": colour,
          "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.95, ["case", inside, 0.8, 0.25]],
        },
      });
      map.addLayer({
        id: "idm-line", type: "line", source: "dusun", "source-layer": "dusun",
        paint: { "line-color": "#ffffff", "line-width": ["case", ["boolean", ["feature-state", "hover"], false], 2.5, 0.8] },
      });

      const tip = document.getElementById("map-tooltip");
      let hovered = null;
      function setHover(id, on) {
        if (id !== null) map.setFeatureState({ source: "dusun", sourceLayer: "dusun", id }, { hover: on });
      }
      map.on("mousemove", "idm-fill", (e) => {
        const p = e.features[0].properties;
        map.getCanvas().style.cursor = "pointer";
        if (hovered !== p.kode) { setHover(hovered, false); hovered = p.kode; setHover(hovered, true); }
        if (tip) {
          const status = config.names[p.kode];
          const value = config.values[p.kode];
          tip.textContent = p.nama + (status ? " — " + status + " (" + value.toFixed(4).replace(".", ",") + ")" : " — " + config.noData);
          tip.hidden = false;
          tip.style.left = e.point.x + 12 + "px";
          tip.style.top = e.point.y + 12 + "px";
        }
      });
      map.on("mouseleave", "idm-fill", () => {
        map.getCanvas().style.cursor = "";
        setHover(hovered, false);
        hovered = null;
        if (tip) tip.hidden = true;
      });
      map.on("click", "idm-fill", (e) => {
        const kode = e.features[0].properties.kode;
        if (kode && e.features[0].properties.jenis === "desa") {
          window.location.href = config.url + encodeURIComponent(kode) + "/" + (config.colours[kode] && config.year ? config.year + "/" : "");
        }
      });
    });
    return map;
  }

  window.IdmMap = { status: statusMap };
})();
