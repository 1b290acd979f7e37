"""Open data catalogue and downloads, thematic (choropleth) maps and village comparison. Views only
orchestrate: the datasets live in `opendata`, the indicators and classification in `indicators`."""

import json
import re
import shutil

from django.conf import settings
from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Func
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from dusun.wilayah import selectors as wilayah
from dusun.wilayah.models import Level, Wilayah

from . import indicators as ind
from . import opendata

MAX_COMPARE, MIN_COMPARE = 5, 2
KODE_RE = re.compile(r"^[0-9]{2}(\.[0-9]{1,4}){0,3}$")


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "portal/data/error.html", {"message": message}, status=status)


def _area(kode: str, levels: tuple[int, ...]) -> Wilayah | None:
    if not KODE_RE.match(kode or ""):
        return None
    return (
        Wilayah.objects.filter(kode=kode, level__in=levels, kode__startswith=wilayah.home_kabupaten().kode)
        .select_related("parent")
        .first()
    )


# --- open data -----------------------------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """`/data/`: every dataset of the kabupaten, with the kecamatan and dusun pages for the large layers."""
    kabupaten = wilayah.home_kabupaten()
    query = request.GET.get("q", "")[:100]
    villages = list(wilayah.villages_in(kabupaten, query)[:30]) if query else []
    return render(
        request,
        "portal/data/catalogue.html",
        {
            "area": kabupaten,
            "rows": opendata.links(kabupaten),
            "kecamatan_list": wilayah.kecamatan_in(kabupaten),
            "query": query,
            "villages": villages,
        },
    )


def _area_page(request: HttpRequest, kode: str, level: Level) -> HttpResponse:
    area = _area(kode, (level,))
    if area is None:
        noun = _("kecamatan") if level == Level.KECAMATAN else request_village_word().lower()
        return _error(
            request,
            _("Tidak ada %(noun)s dengan kode “%(kode)s”. Pilih wilayah dari daftar di halaman data terbuka.")
            % {"noun": noun, "kode": kode[:40]},
            404,
        )
    return render(request, "portal/data/area.html", {"area": area, "rows": opendata.links(area)})


@require_GET
def village_data(request: HttpRequest, kode: str) -> HttpResponse:
    return _area_page(request, kode, Level.DESA)


@require_GET
def kecamatan_data(request: HttpRequest, kode: str) -> HttpResponse:
    return _area_page(request, kode, Level.KECAMATAN)


@require_GET
def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    """The data dictionary, licence, source and date of one dataset, as HTML."""
    try:
        d = opendata.get_dataset(slug)
    except opendata.DatasetError as e:
        return _error(request, str(e), 404)
    kabupaten = wilayah.home_kabupaten()
    return render(
        request,
        "portal/data/dataset.html",
        {
            "dataset": d,
            "fields": d.dictionary(),
            "updated": d.updated(),
            "links": next(r for r in opendata.links(kabupaten) if r["dataset"].slug == slug),
            "area": kabupaten,
        },
    )


@require_GET
def dictionary_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The sidecar data dictionary of a dataset (for its CSV and GeoJSON downloads)."""
    try:
        d = opendata.get_dataset(slug)
    except opendata.DatasetError as e:
        return _error(request, str(e), 404)
    response = HttpResponse(opendata.dictionary_csv(d), content_type=opendata.CONTENT_TYPES[opendata.CSV])
    response["Content-Disposition"] = f'attachment; filename="kamus_{d.slug}.csv"'
    return response


@require_GET
def download(request: HttpRequest, slug: str, kode: str, fmt: str) -> HttpResponse:
    try:
        d = opendata.get_dataset(slug)
    except opendata.DatasetError as e:
        return _error(request, str(e), 404)
    area = _area(kode, opendata.ALL_LEVELS)
    if area is None:
        return _error(
            request,
            _(
                "Wilayah dengan kode “%(kode)s” tidak ada di kabupaten ini. Contoh kode: 15.08 (kabupaten), "
                "15.08.14 (kecamatan), 15.08.14.2009 (dusun)."
            )
            % {"kode": kode[:40]},
            404,
        )
    try:
        opendata.check(d, area, fmt)
    except opendata.DatasetError as e:
        return _error(request, str(e), 400)
    result = opendata.write(d, area, fmt)
    if result.path is not None:
        handle = result.path.open("rb")
        # The open handle keeps the file readable after its folder is removed (POSIX): nothing is left behind.
        shutil.rmtree(result.path.parent, ignore_errors=True)
        response = FileResponse(handle, as_attachment=True, filename=result.filename, content_type=result.content_type)
    else:
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    sidecar = request.build_absolute_uri(reverse("opendata:dictionary-csv", kwargs={"slug": d.slug}))
    licence = request.build_absolute_uri(reverse("opendata:dataset", kwargs={"slug": d.slug})) + "#licence"
    response["Link"] = f'<{sidecar}>; rel="describedby"; type="text/csv", <{licence}>; rel="license"'
    response["Cache-Control"] = "no-cache"
    return response


# --- thematic map --------------------------------------------------------------------------------------------


def _int(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        return None


def _thematic_state(request: HttpRequest, registry: dict) -> tuple[dict, list[str]]:
    errors = []
    code = request.GET.get("indikator") or ind.DEFAULT_INDICATOR
    if code not in registry or not registry[code].mappable:
        errors.append(_("Indikator “%(code)s” tidak dikenal; ditampilkan jumlah penduduk.") % {"code": code[:40]})
        code = ind.DEFAULT_INDICATOR
    level = request.GET.get("tingkat") or ind.DUSUN
    if level not in registry[code].levels:
        if level in ind.LEVELS:
            errors.append(_("Indikator ini hanya ada per dusun."))
        else:
            errors.append(_("Tingkat harus “dusun” atau “kecamatan”."))
        level = ind.DUSUN
    method = request.GET.get("klasifikasi") or ind.QUANTILE
    if method not in ind.METHODS:
        errors.append(_("Klasifikasi harus kuantil, interval-sama atau jenks."))
        method = ind.QUANTILE
    k = _int(request.GET.get("kelas"), 5)
    if k is None or not ind.MIN_CLASSES <= k <= ind.MAX_CLASSES:
        errors.append(_("Jumlah kelas harus 3 sampai 7."))
        k = 5
    return {"indikator": code, "tingkat": level, "klasifikasi": method, "kelas": k}, errors


@require_GET
def thematic(request: HttpRequest) -> HttpResponse:
    """`/peta-tematik/`: a choropleth of any public indicator by dusun or kecamatan (state in the URL)."""
    kabupaten = wilayah.home_kabupaten()
    ctx = ind.Context(kabupaten)
    registry = ind.registry(ctx)
    state, errors = _thematic_state(request, registry)
    indicator = registry[state["indikator"]]
    level = state["tingkat"]
    values = indicator.values(ctx, level)
    if level == ind.DUSUN:
        areas = [(v.kode, v.nama, v.parent.nama) for v in ctx.villages]
    else:
        areas = [(k.kode, k.nama, "") for k in ctx.kecamatan]
    kodes = [a[0] for a in areas]
    classification = ind.classify(values, kodes, state["klasifikasi"], state["kelas"])
    rows = []
    for kode, nama, parent in areas:
        value = values.get(kode)
        cls = classification.assigned.get(kode)
        rows.append(
            {
                "kode": kode,
                "nama": nama,
                "parent": parent,
                "value": value,
                "sort": value.number if value and value.number is not None else "",
                "text": ind.display(value, indicator.decimals),
                "colour": classification.colour_of(kode, value),
                "class": cls + 1 if cls is not None else None,
            }
        )
    config = {
        "level": level,
        "tiles": request.build_absolute_uri("/tiles/dusun/") + "{z}/{x}/{y}.pbf",
        "kecamatan_url": reverse("opendata:kecamatan-geojson"),
        "bounds": kabupaten.geom.extent if kabupaten.geom else None,
        "colours": {r["kode"]: r["colour"] for r in rows},
        "labels": {r["kode"]: r["text"] for r in rows},
        "no_data": ind.NO_DATA_COLOUR,
        "indicator": indicator.name,
        "unit": indicator.unit,
    }
    context = {
        "kabupaten": kabupaten,
        "state": state,
        "errors": errors,
        "indicators": [i for i in registry.values() if i.mappable],
        "indicator": indicator,
        "demo": indicator.is_demo(ctx),
        "methods": ind.METHODS.items(),
        "class_counts": range(ind.MIN_CLASSES, ind.MAX_CLASSES + 1),
        "classification": classification,
        "rows": rows,
        "config": config,
        "hidden_colour": ind.HIDDEN_COLOUR,
        "no_data_colour": ind.NO_DATA_COLOUR,
        "level_label": _("Kecamatan") if level == ind.KECAMATAN else request_village_word(),
        "share_url": reverse("opendata:thematic") + "?" + urlencode(state),
    }
    status = 400 if errors else 200
    if request.htmx:
        return render(request, "portal/tematik/_result.html", context, status=status)
    return render(request, "portal/tematik/page.html", context, status=status)


def request_village_word() -> str:
    return settings.DUSUN_VILLAGE_WORD


@require_GET
@cache_control(public=True, max_age=3600)
def kecamatan_geojson(request: HttpRequest) -> JsonResponse:
    """Kecamatan boundaries, simplified for the thematic map (17 polygons, a few hundred KB at most)."""
    kabupaten = wilayah.home_kabupaten()
    rows = (
        Wilayah.objects.kecamatan()
        .filter(kode__startswith=kabupaten.kode + ".", geom__isnull=False)
        .annotate(g=AsGeoJSON(Simplify("geom", 0.0005), precision=5))
        .values_list("kode", "nama", "g")
        .order_by("kode")
    )
    features = [
        {"type": "Feature", "id": kode, "geometry": json.loads(g), "properties": {"kode": kode, "nama": nama}}
        for kode, nama, g in rows
        if g
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    return response


# --- comparison ----------------------------------------------------------------------------------------------


class Simplify(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = MultiPolygonField(srid=4326)


def _compare_url(kodes: list[str]) -> str:
    return reverse("opendata:compare") + ("?" + urlencode([("dusun", k) for k in kodes]) if kodes else "")


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """`/bandingkan/?dusun=KODE&dusun=KODE…`: 2–5 villages side by side on every public indicator."""
    kabupaten = wilayah.home_kabupaten()
    asked = []
    for kode in request.GET.getlist("dusun"):
        kode = kode.strip()[:40]
        if kode and kode not in asked:
            asked.append(kode)
    errors = []
    found = {
        v.kode: v
        for v in Wilayah.objects.villages()
        .filter(kode__in=[k for k in asked if KODE_RE.match(k)], kode__startswith=kabupaten.kode + ".")
        .select_related("parent")
    }
    unknown = [k for k in asked if k not in found]
    if unknown:
        errors.append(
            _("Kode tidak dikenal: %(codes)s. Kode dusun berbentuk 15.08.14.2009; cari dusun dengan kotak pencarian.")
            % {"codes": ", ".join(unknown)}
        )
    villages = [found[k] for k in asked if k in found]
    if len(villages) > MAX_COMPARE:
        errors.append(
            _("Paling banyak %(n)s dusun dibandingkan sekaligus; yang lebih dari itu diabaikan.") % {"n": MAX_COMPARE}
        )
        villages = villages[:MAX_COMPARE]
    kodes = [v.kode for v in villages]
    table = []
    if villages:
        ctx = ind.Context(kabupaten)
        for indicator in ind.registry(ctx).values():
            values = indicator.values(ctx)
            table.append(
                {
                    "indicator": indicator,
                    "cells": [ind.display(values.get(k), indicator.decimals) for k in kodes],
                    "demo": indicator.is_demo(ctx),
                }
            )
    columns = [{"village": v, "remove_url": _compare_url([k for k in kodes if k != v.kode])} for v in villages]
    context = {
        "columns": columns,
        "table": table,
        "errors": errors,
        "kodes": kodes,
        "enough": len(villages) >= MIN_COMPARE,
        "full": len(villages) >= MAX_COMPARE,
        "min_compare": MIN_COMPARE,
        "max_compare": MAX_COMPARE,
    }
    return render(request, "portal/banding/page.html", context, status=400 if errors else 200)


@require_GET
def compare_search(request: HttpRequest) -> HttpResponse:
    """The htmx search box of the comparison page: matching villages, each with an "add" link."""
    kabupaten = wilayah.home_kabupaten()
    query = request.GET.get("q", "")[:100].strip()
    kodes = [k[:40] for k in request.GET.getlist("dusun")][:MAX_COMPARE]
    villages = list(wilayah.villages_in(kabupaten, query)[:20]) if query else []
    results = [{"village": v, "add_url": _compare_url([*kodes, v.kode])} for v in villages if v.kode not in kodes]
    return render(request, "portal/banding/_search.html", {"results": results, "query": query})
