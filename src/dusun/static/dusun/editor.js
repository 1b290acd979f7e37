/* Dusun Online map editor: draw and edit the features of one layer in one village.
 *
 * Drawing, vertex editing and snapping are Terra Draw's (vendored UMD builds, no CDN); this file ties
 * them to the page: it loads the village's features from the JSON API, keeps track of what changed,
 * fills the attribute form, and saves through the API, which runs every write through the server's
 * checks (area scope, geometry inside the village and valid, geodesic measures, history). The server's
 * messages (in Bahasa) are shown next to the form; nothing is trusted to the browser alone.
 *
 * Terra Draw stores only single geometries, so a multi-part feature is loaded as one Terra Draw feature
 * per part (same `fid`) and put back together when saved.
 *
 * For phones and keyboards, "Tambah titik di tengah" places a vertex under the "+" in the middle of the
 * map (pan with a finger or the arrow keys first): it clicks the map there, so snapping applies as for
 * a tap. window.dusunMap and window.dusunEditor are kept for tests and the console.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const T = config.text;
  const $ = (id) => document.getElementById(id);
  const form = $("feature-form");
  const fieldset = $("feature-fields");
  const statusEl = $("editor-status");
  const csrfToken = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const numberFormat = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
  const REQUEST_TIMEOUT_MS = 60000; // weak connections: wait long, but not forever
  const SINGLE_MODE = { Point: "point", LineString: "linestring", Polygon: "polygon" };
  const MIN_VERTICES = { linestring: 2, polygon: 3 };

  const items = new Map(); // key ("f<id>" saved, "n<terra draw id>" new) → item
  const keyOfPart = new Map(); // Terra Draw feature id → item key
  let currentKey = null;
  let map;
  let draw;

  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name]));
  }

  function setStatus(message, isError) {
    statusEl.textContent = message;
    statusEl.classList.toggle("error", Boolean(isError));
  }

  function urlFor(template, id) {
    return template.replace(config.idPlaceholder, encodeURIComponent(id));
  }

  // --- Map and Terra Draw ---------------------------------------------------------------------------

  function baseStyle() {
    const style = { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2ea" } }] };
    const body = document.body.dataset;
    if (body.basemapUrl) {
      style.sources.basemap = { type: "raster", tiles: [body.basemapUrl], tileSize: 256, attribution: body.basemapAttribution || "" };
      style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
    }
    return style;
  }

  function createMap() {
    const b = config.bounds;
    map = new maplibregl.Map({
      container: "map",
      style: baseStyle(),
      bounds: b ? [[b[0], b[1]], [b[2], b[3]]] : undefined,
      fitBoundsOptions: { padding: 24 },
      attributionControl: { compact: true },
      dragRotate: false,
      pitchWithRotate: false,
      doubleClickZoom: false, // a double tap while drawing must not zoom
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    map.getCanvas().setAttribute("aria-label", $("map").getAttribute("aria-label"));
    window.dusunMap = map;
  }

  function snappingFilter(feature) {
    const p = feature.properties || {};
    return p.batas === true || p.fid != null || p.draft === true;
  }

  function createDraw() {
    const td = window.terraDraw;
    const snapping = { toFeature: { filter: snappingFilter, toLine: true, toCoordinate: true } };
    const notSelfIntersecting = (feature, context) =>
      context && (context.updateType === "finish" || context.updateType === "commit")
        ? td.ValidateNotSelfIntersecting(feature)
        : { valid: true };
    const colour = (fallback) => (feature) => feature.properties.colour || fallback;
    const vertexFlags = { draggable: true, midpoints: true, deletable: true, snappable: snapping };
    // Bigger handles for fingers than for a mouse.
    const coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    draw = new td.TerraDraw({
      adapter: new window.terraDrawMaplibreGlAdapter.TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 7 }),
      modes: [
        new td.TerraDrawRenderMode({
          modeName: "batas",
          styles: { lineStringColor: "#17402a", lineStringWidth: 3, zIndex: 0 },
        }),
        new td.TerraDrawPointMode({
          editable: false,
          styles: { pointColor: colour("#c0392b"), pointWidth: 7, pointOutlineColor: "#ffffff", pointOutlineWidth: 2 },
        }),
        new td.TerraDrawLineStringMode({
          snapping,
          styles: { lineStringColor: colour("#1f5c8a"), lineStringWidth: 3 },
        }),
        new td.TerraDrawPolygonMode({
          snapping,
          validation: notSelfIntersecting,
          styles: { fillColor: colour("#4e79a7"), fillOpacity: 0.55, outlineColor: "#1d2a22", outlineWidth: 1.5 },
        }),
        new td.TerraDrawSelectMode({
          // Deleting a whole feature is the "Hapus fitur" button (with a confirmation), never a stray key.
          keyEvents: { deselect: "Escape", delete: null, rotate: null, scale: null },
          flags: {
            point: { feature: { draggable: true } },
            linestring: { feature: { coordinates: vertexFlags } },
            polygon: { feature: { validation: notSelfIntersecting, coordinates: vertexFlags } },
          },
          styles: {
            selectedPolygonColor: "#f2b01e", selectedPolygonFillOpacity: 0.45, selectedPolygonOutlineColor: "#7a4f00",
            selectedPolygonOutlineWidth: 3, selectedLineStringColor: "#f2b01e", selectedLineStringWidth: 5,
            selectedPointColor: "#f2b01e", selectedPointWidth: 9, selectionPointWidth: coarse ? 11 : 7,
            midPointWidth: coarse ? 8 : 5,
          },
        }),
      ],
    });
    draw.start();
    draw.on("finish", onFinish);
    draw.on("change", onChange);
    draw.on("select", (id) => {
      const key = keyOfPart.get(id);
      if (key) showItem(key, false);
    });
    draw.on("deselect", (id) => {
      const key = keyOfPart.get(id);
      if (key && key === currentKey && !items.get(key).dirty && !items.get(key).formDirty) showItem(null, false);
    });
    window.dusunEditor = { draw, items, keyOfPart, selectKey: (key) => selectItem(key) };
  }

  // The village boundary: its rings as lines in Terra Draw (what new vertices snap to; Terra Draw takes
  // no polygons with holes, and lines are never picked by a tap meant for a feature inside), and a
  // faint fill underneath from MapLibre.
  function addBoundary() {
    const rings = [];
    for (const feature of config.boundary.features) {
      for (const polygon of splitParts(feature.geometry) || []) {
        for (const ring of polygon.coordinates) {
          rings.push({ type: "Feature", geometry: { type: "LineString", coordinates: ring }, properties: { mode: "batas", batas: true } });
        }
      }
    }
    draw.addFeatures(rings);
  }

  function addBoundaryFill() {
    map.addSource("batas", { type: "geojson", data: config.boundary });
    map.addLayer({ id: "batas-fill", type: "fill", source: "batas", paint: { "fill-color": "#2f7d4f", "fill-opacity": 0.07 } });
  }

  // --- Items: saved features and new drawings -------------------------------------------------------

  function splitParts(geometry) {
    if (!geometry) return null;
    if (SINGLE_MODE[geometry.type]) return [geometry];
    const single = { MultiPoint: "Point", MultiLineString: "LineString", MultiPolygon: "Polygon" }[geometry.type];
    if (!single) return null;
    return geometry.coordinates.map((coordinates) => ({ type: single, coordinates }));
  }

  function colourOf(record) {
    const p = record.properties;
    return p.colour || config.classColours[p.klass] || null;
  }

  function addRecord(record, deferReadOnly) {
    const key = "f" + record.id;
    const item = { key, fid: record.id, record, parts: [], dirty: false, formDirty: false, formValues: null, readOnly: false };
    const parts = splitParts(record.geometry);
    if (parts) {
      const colour = colourOf(record);
      const results = draw.addFeatures(
        parts.map((geometry, index) => ({
          type: "Feature",
          geometry,
          properties: Object.assign({ mode: SINGLE_MODE[geometry.type], fid: record.id, part: index }, colour ? { colour } : {}),
        })),
      );
      const added = results.filter((r) => r.valid).map((r) => r.id);
      if (added.length !== parts.length) {
        // Terra Draw cannot edit this shape (e.g. a polygon with holes); keep it, attributes only.
        draw.removeFeatures(added);
        item.readOnly = true;
      } else {
        item.parts = added;
      }
    } else {
      item.readOnly = true;
    }
    item.parts.forEach((id) => keyOfPart.set(id, key));
    items.set(key, item);
    if (item.readOnly && !deferReadOnly) refreshReadOnly();
    return item;
  }

  // Shapes Terra Draw cannot edit (polygons with holes, collections) are still shown, from MapLibre.
  function refreshReadOnly() {
    const source = map.getSource("readonly");
    if (!source) return;
    const features = [];
    for (const item of items.values()) {
      if (!item.readOnly || !item.record || !item.record.geometry) continue;
      const colour = colourOf(item.record) || "#6b6b6b";
      features.push({ type: "Feature", geometry: item.record.geometry, properties: { key: item.key, colour } });
    }
    source.setData({ type: "FeatureCollection", features });
  }

  function addReadOnlyLayers() {
    map.addSource("readonly", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    const polygons = ["match", ["geometry-type"], ["Polygon", "MultiPolygon"], true, false];
    map.addLayer({ id: "readonly-fill", type: "fill", source: "readonly", filter: polygons, paint: { "fill-color": ["get", "colour"], "fill-opacity": 0.35 } });
    map.addLayer({ id: "readonly-line", type: "line", source: "readonly", filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": "#1d2a22", "line-width": 1.5, "line-dasharray": [2, 2] } });
    map.addLayer({ id: "readonly-point", type: "circle", source: "readonly", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": ["get", "colour"], "circle-radius": 6, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } });
    for (const layer of ["readonly-fill", "readonly-line", "readonly-point"]) {
      map.on("click", layer, (event) => {
        if (draw.getMode() !== "select") return;
        const key = event.features[0].properties.key;
        if (items.has(key)) showItem(key, false);
      });
    }
  }

  function removeParts(item) {
    const present = item.parts.filter((id) => draw.hasFeature(id));
    present.forEach((id) => {
      const feature = draw.getSnapshotFeature(id);
      if (feature && feature.properties.selected) draw.deselectFeature(id);
    });
    if (present.length) draw.removeFeatures(present);
    item.parts.forEach((id) => keyOfPart.delete(id));
    items.delete(item.key);
    if (item.readOnly) refreshReadOnly();
  }

  function itemGeometry(item) {
    const geometries = item.parts.map((id) => draw.getSnapshotFeature(id).geometry);
    const wasMulti = item.record && /^Multi/.test(item.record.geometry.type);
    if (geometries.length === 1 && !wasMulti) return geometries[0];
    return { type: "Multi" + geometries[0].type, coordinates: geometries.map((g) => g.coordinates) };
  }

  function geometryChanged(item, partId) {
    if (!item.record) return true;
    const saved = splitParts(item.record.geometry);
    const feature = draw.getSnapshotFeature(partId);
    const index = feature ? feature.properties.part : undefined;
    if (!saved || index === undefined || !saved[index]) return true;
    return JSON.stringify(saved[index].coordinates) !== JSON.stringify(feature.geometry.coordinates);
  }

  function onFinish(id, context) {
    // A drawing mode finishing a feature we do not know yet is a new drawing; select-mode finishes
    // (vertex drags, inserted midpoints) are caught by onChange.
    if (context && context.mode !== "select" && !keyOfPart.has(id) && draw.hasFeature(id)) {
      draw.updateFeatureProperties(id, { draft: true });
      const key = "n" + id;
      items.set(key, { key, fid: null, record: null, parts: [id], dirty: true, formDirty: false, formValues: null, readOnly: false });
      keyOfPart.set(id, key);
      setMode("select");
      draw.selectFeature(id);
      showItem(key, false);
      renderList();
      setStatus(T.drawn);
    }
  }

  function onChange(ids, type) {
    if (type !== "update") return;
    let changed = false;
    for (const id of ids) {
      const key = keyOfPart.get(id);
      if (!key) continue;
      const item = items.get(key);
      if (item && !item.dirty && geometryChanged(item, id)) {
        item.dirty = true;
        changed = true;
      }
    }
    if (changed) renderList();
  }

  // --- The attribute form ---------------------------------------------------------------------------

  function fieldElements() {
    return Array.from(form.elements).filter((el) => el.name && el.name !== "csrfmiddlewaretoken" && el.tagName !== "BUTTON");
  }

  const defaults = {};
  function rememberDefaults() {
    for (const el of fieldElements()) defaults[el.name] = el.value;
  }

  function readForm() {
    const values = {};
    for (const el of fieldElements()) values[el.name] = el.value;
    return values;
  }

  function fillForm(values) {
    for (const el of fieldElements()) {
      const value = values[el.name];
      el.value = value === null || value === undefined ? "" : String(value);
    }
  }

  function recordValues(record) {
    const values = {};
    for (const el of fieldElements()) values[el.name] = record.properties[el.name];
    return values;
  }

  function clearErrors() {
    const box = $("form-errors");
    box.hidden = true;
    box.textContent = "";
    for (const el of fieldElements()) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
      const span = $("error-" + el.name);
      if (span) { span.hidden = true; span.textContent = ""; }
    }
    setProblem(null);
  }

  function showErrors(errors, location) {
    clearErrors();
    const general = [];
    for (const [name, messages] of Object.entries(errors || {})) {
      const el = form.elements[name];
      const span = $("error-" + name);
      if (el && span && el.type !== "hidden") {
        span.textContent = messages.join(" ");
        span.hidden = false;
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", span.id);
      } else {
        general.push(...messages);
      }
    }
    const box = $("form-errors");
    const list = document.createElement("ul");
    const summary = general.length ? general : [T.checkFields];
    summary.forEach((message) => {
      const li = document.createElement("li");
      li.textContent = message;
      list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = false;
    box.focus();
    if (location) setProblem(location);
    return summary[0];
  }

  // A red ring where the server found the problem (e.g. where the sides of a polygon cross).
  function setProblem(location) {
    const source = map && map.getSource("problem");
    if (!source) return;
    source.setData({ type: "FeatureCollection", features: location ? [{ type: "Feature", geometry: { type: "Point", coordinates: location }, properties: {} }] : [] });
    if (location) map.easeTo({ center: location, zoom: Math.max(map.getZoom(), 16) });
  }

  function showMeasure(item) {
    const el = $("feature-measure");
    if (!item || !item.record || !config.measure) { el.hidden = true; return; }
    const [field, unit] = config.measure;
    const value = item.record.properties[field];
    if (value === null || value === undefined) { el.hidden = true; return; }
    el.textContent = fmt(T["measure_" + unit], { value: numberFormat.format(value) }) + (item.dirty ? " " + T.measureStale : "");
    el.hidden = false;
  }

  function showItem(key, focusForm) {
    if (currentKey && items.has(currentKey)) {
      const previous = items.get(currentKey);
      if (previous.formDirty) previous.formValues = readForm();
    }
    currentKey = key;
    clearErrors();
    const item = key ? items.get(key) : null;
    fieldset.disabled = !item;
    $("feature-delete").disabled = !item;
    $("feature-revert").disabled = !item;
    if (!item) {
      fillForm(defaults);
      $("feature-title").textContent = T.noneSelected;
      $("feature-history").hidden = true;
      showMeasure(null);
      renderList();
      return;
    }
    $("feature-title").textContent = item.record ? itemLabel(item) : T.newFeature;
    fillForm(item.formValues || (item.record ? recordValues(item.record) : defaults));
    showMeasure(item);
    const history = $("feature-history");
    history.hidden = !item.record;
    history.open = false;
    $("history-list").textContent = "";
    renderList();
    if (item.readOnly) setStatus(T.readOnly);
    else setStatus(item.record ? T.selected : T.drawn);
    if (focusForm) {
      const first = fieldElements().find((el) => el.type !== "hidden");
      if (first) first.focus();
    }
  }

  // --- The feature list (the keyboard way to pick a feature) -----------------------------------------

  function itemLabel(item) {
    if (!item.record) return T.newFeature;
    const p = item.record.properties;
    const category = p[config.categoryField + "_label"] || "";
    const name = p.name || T.noName;
    let measure = "";
    if (config.measure && p[config.measure[0]] != null) {
      measure = " · " + fmt(T["short_" + config.measure[1]], { value: numberFormat.format(p[config.measure[0]]) });
    }
    return (category ? category + " — " : "") + name + measure;
  }

  function renderList() {
    const list = $("feature-list");
    const sorted = Array.from(items.values()).sort((a, b) =>
      (a.record ? 1 : 0) - (b.record ? 1 : 0) || itemLabel(a).localeCompare(itemLabel(b), "id"));
    const fragment = document.createDocumentFragment();
    for (const item of sorted) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.key = item.key;
      if (item.key === currentKey) button.setAttribute("aria-current", "true");
      const colour = item.record && colourOf(item.record);
      if (colour) {
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = colour;
        swatch.setAttribute("aria-hidden", "true");
        button.appendChild(swatch);
      }
      button.appendChild(document.createTextNode(itemLabel(item)));
      if (item.record && (item.dirty || item.formDirty)) {
        const dirty = document.createElement("span");
        dirty.className = "dirty";
        dirty.textContent = " (" + T.unsaved + ")";
        button.appendChild(dirty);
      }
      li.appendChild(button);
      fragment.appendChild(li);
    }
    list.replaceChildren(fragment);
    $("feature-count").textContent = "(" + items.size + ")";
  }

  function selectItem(key) {
    const item = items.get(key);
    if (!item) return;
    const bounds = new maplibregl.LngLatBounds();
    if (item.parts.length) {
      setMode("select");
      draw.selectFeature(item.parts[0]);
      item.parts.forEach((id) => extend(bounds, draw.getSnapshotFeature(id).geometry.coordinates));
    } else if (item.record && item.record.geometry && item.record.geometry.coordinates) {
      extend(bounds, item.record.geometry.coordinates);
    }
    if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 60, maxZoom: 18, duration: 300 });
    showItem(key, true);
  }

  function extend(bounds, coordinates) {
    if (typeof coordinates[0] === "number") bounds.extend(coordinates);
    else coordinates.forEach((c) => extend(bounds, c));
  }

  // --- Modes and the centre cross ----------------------------------------------------------------------

  function setMode(mode) {
    if (draw.getMode() !== mode) draw.setMode(mode);
    document.querySelectorAll(".toolbar [data-mode]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.mode === mode)));
    // Drawing-only buttons appear while drawing (phones have little room for the toolbar).
    const drawing = mode !== "select";
    $("centre-add").hidden = !drawing;
    $("centre-finish").hidden = !drawing || mode === "point";
    $("draw-cancel").hidden = !drawing;
  }

  function modeHelp(mode) {
    return T["mode_" + mode];
  }

  function pointerAt(type, x, y) {
    return new PointerEvent(type, {
      clientX: x, clientY: y, button: 0, buttons: type === "pointerup" ? 0 : 1, pointerId: 1,
      pointerType: "mouse", isPrimary: true, bubbles: true, cancelable: true,
    });
  }

  function clickCentre() {
    const mode = draw.getMode();
    if (mode === "select") { setStatus(T.centreNoMode, true); return; }
    const canvas = map.getCanvas();
    const rect = canvas.getBoundingClientRect();
    const x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    // Exactly what a tap does, so Terra Draw snaps and closes shapes the same way.
    canvas.dispatchEvent(pointerAt("pointermove", x, y));
    canvas.dispatchEvent(pointerAt("pointerdown", x, y));
    canvas.dispatchEvent(pointerAt("pointerup", x, y));
    if (draw.getMode() === mode && mode !== "point") setStatus(T.centreAdded);
  }

  function sendKey(key) {
    // Terra Draw listens for its finish (Enter) and cancel (Escape) keys on the map canvas.
    map.getCanvas().dispatchEvent(new KeyboardEvent("keyup", { key, bubbles: true }));
  }

  function drawingInProgress() {
    return draw.getSnapshot().some((f) => f.properties.currentlyDrawing);
  }

  // --- Talking to the API --------------------------------------------------------------------------

  async function api(method, url, body, version) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken };
    if (body) headers["Content-Type"] = "application/json";
    if (version) headers["If-Match"] = '"' + version + '"';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    let response;
    try {
      response = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin", signal: controller.signal });
    } catch (error) {
      return { ok: false, network: true };
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (error) { data = null; }
    }
    return { ok: response.ok, status: response.status, data };
  }

  function reportFailure(result) {
    if (result.network) { setStatus(T.networkError, true); showErrors({ __all__: [T.networkError] }); return; }
    if (result.data && result.data.errors) {
      setStatus(showErrors(result.data.errors, result.data.location), true);
      return;
    }
    const message = fmt(T.serverError, { status: result.status });
    setStatus(message, true);
    showErrors({ __all__: [message] });
  }

  async function save() {
    const item = currentKey && items.get(currentKey);
    if (!item) return;
    if (!item.readOnly && item.parts.length === 0) return;
    const properties = Object.assign(readForm(), { dusun: config.dusun });
    const body = { type: "Feature", properties };
    if (!item.readOnly) body.geometry = itemGeometry(item);
    const button = $("feature-save");
    button.disabled = true;
    setStatus(T.saving);
    const result = item.record
      ? await api(item.readOnly ? "PATCH" : "PUT", urlFor(config.urls.feature, item.fid), body, item.record.properties.version)
      : await api("POST", config.urls.create, body);
    button.disabled = false;
    if (!result.ok) {
      if (result.status === 412 && result.data && result.data.current) {
        // Someone else saved first: show their version, keep the message.
        replaceItem(item, result.data.current);
        showErrors(result.data.errors);
        return;
      }
      reportFailure(result);
      return;
    }
    replaceItem(item, result.data);
    setStatus(T.saved);
  }

  function replaceItem(item, record) {
    removeParts(item);
    const fresh = addRecord(record);
    if (fresh.parts.length) {
      setMode("select");
      draw.selectFeature(fresh.parts[0]);
    }
    currentKey = null;
    showItem(fresh.key, false);
  }

  async function remove() {
    const item = currentKey && items.get(currentKey);
    if (!item || !window.confirm(T.confirmDelete)) return;
    if (item.record) {
      setStatus(T.saving);
      const result = await api("DELETE", urlFor(config.urls.feature, item.fid), null, item.record.properties.version);
      if (!result.ok) { reportFailure(result); return; }
    }
    removeParts(item);
    currentKey = null;
    showItem(null, false);
    setStatus(T.deleted);
  }

  function revert() {
    const item = currentKey && items.get(currentKey);
    if (!item) return;
    if (!item.record) {
      removeParts(item);
      currentKey = null;
      showItem(null, false);
      return;
    }
    item.formValues = null;
    item.formDirty = false;
    replaceItem(item, item.record);
  }

  async function loadHistory() {
    const item = currentKey && items.get(currentKey);
    const list = $("history-list");
    if (!item || !item.record) return;
    list.textContent = T.loading;
    const result = await api("GET", urlFor(config.urls.history, item.fid));
    list.textContent = "";
    if (!result.ok) { list.textContent = T.historyFailed; return; }
    for (const revision of result.data.revisions) {
      const li = document.createElement("li");
      const when = new Date(revision.at).toLocaleString("id-ID", { dateStyle: "medium", timeStyle: "short" });
      li.textContent = revision.action_label + " — " + when + (revision.user ? " — " + revision.user : "");
      list.appendChild(li);
    }
    if (!result.data.revisions.length) list.textContent = T.historyEmpty;
  }

  async function loadFeatures() {
    setStatus(T.loading);
    const result = await api("GET", config.urls.list);
    if (!result.ok) { setStatus(T.loadFailed, true); return; }
    result.data.features.forEach((record) => addRecord(record, true));
    refreshReadOnly();
    renderList();
    setStatus(fmt(T.loaded, { n: result.data.features.length }) + " " + T.mode_select);
  }

  // --- Wiring --------------------------------------------------------------------------------------

  function wire() {
    document.querySelectorAll(".toolbar [data-mode]").forEach((button) => {
      button.addEventListener("click", () => {
        setMode(button.dataset.mode);
        setStatus(modeHelp(button.dataset.mode));
      });
    });
    $("centre-add").addEventListener("click", clickCentre);
    $("centre-finish").addEventListener("click", () => {
      const mode = draw.getMode();
      const inProgress = draw.getSnapshot().find((f) => f.properties.currentlyDrawing);
      if (!inProgress) { setStatus(fmt(T.centreNeedMore, { n: MIN_VERTICES[mode] || 1 }), true); return; }
      sendKey("Enter");
      if (drawingInProgress()) setStatus(fmt(T.centreNeedMore, { n: MIN_VERTICES[mode] || 1 }), true);
    });
    $("draw-cancel").addEventListener("click", () => {
      sendKey("Escape");
      setStatus(modeHelp(draw.getMode()));
    });
    $("feature-list").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-key]");
      if (button) selectItem(button.dataset.key);
    });
    form.addEventListener("submit", (event) => { event.preventDefault(); save(); });
    form.addEventListener("input", () => {
      const item = currentKey && items.get(currentKey);
      if (item && !item.formDirty) { item.formDirty = true; renderList(); }
    });
    $("feature-delete").addEventListener("click", remove);
    $("feature-revert").addEventListener("click", () => {
      const item = currentKey && items.get(currentKey);
      if (item && (item.dirty || item.formDirty || !item.record) && !window.confirm(T.confirmDiscard)) return;
      revert();
    });
    $("feature-history").addEventListener("toggle", (event) => { if (event.target.open) loadHistory(); });
    window.addEventListener("beforeunload", (event) => {
      const unsaved = Array.from(items.values()).some((i) => i.dirty || i.formDirty);
      if (unsaved) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function start() {
    rememberDefaults();
    const toolbar = document.querySelectorAll(".toolbar button");
    toolbar.forEach((b) => { b.disabled = true; }); // until the map and Terra Draw are ready
    createMap();
    showItem(null, false);
    map.on("load", () => {
      map.addSource("problem", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
      map.addLayer({ id: "problem", type: "circle", source: "problem", paint: { "circle-radius": 14, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#b3261e", "circle-stroke-width": 4 } });
      addBoundaryFill();
      addReadOnlyLayers();
      createDraw();
      addBoundary();
      wire();
      toolbar.forEach((b) => { b.disabled = false; });
      setMode("select");
      loadFeatures();
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
