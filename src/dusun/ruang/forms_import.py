"""Forms of the import wizard: the upload, the attribute mapping, the choice of source layers, the commit.

They check what a person typed; whether a file is importable is decided by `importer` while analysing it.
"""

from django import forms
from django.contrib.gis.gdal import GDALException, SpatialReference
from django.contrib.gis.gdal.error import SRSException
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import importer
from .layers import LAYERS, LayerSpec
from .models import ImportJob, LandCoverSnapshot, Legend

ACCEPT = ".geojson,.json,.gpkg,.zip,.kml,.kmz,.gpx,.csv"


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the import size limit, before it fills the disk.

    Installed by the upload view ahead of Django's handlers; the form then reports the size problem."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit or importer.max_import_bytes()
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A request body far over the limit is refused without reading it (the multipart overhead is small).
        if content_length and content_length > self.limit + 1024 * 1024:
            self.request.dusun_upload_too_large = content_length

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if getattr(self.request, "dusun_upload_too_large", None):
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.dusun_upload_too_large = self.received
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadForm(forms.Form):
    layer = forms.ChoiceField(label=gettext_lazy("Lapisan tujuan"))
    file = forms.FileField(
        allow_empty_file=True,  # refused in clean_file with our own message, which names the file
        label=gettext_lazy("Berkas"),
        help_text=gettext_lazy(
            "GeoJSON, GeoPackage, Shapefile (semua berkasnya dalam satu .zip), KML/KMZ, GPX, atau CSV "
            "(kolom lintang/bujur atau WKT)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    snapshot = forms.ModelChoiceField(
        queryset=LandCoverSnapshot.objects.select_related("legend").order_by("-year", "name"),
        required=False,
        label=gettext_lazy("Potret tutupan lahan yang sudah ada"),
        empty_label=gettext_lazy("— buat potret baru di bawah —"),
    )
    new_year = forms.IntegerField(
        required=False, min_value=1980, max_value=2100, label=gettext_lazy("Tahun potret baru")
    )
    new_legend = forms.ModelChoiceField(
        queryset=Legend.objects.order_by("code"), required=False, label=gettext_lazy("Legenda potret baru")
    )
    new_name = forms.CharField(
        required=False,
        max_length=120,
        label=gettext_lazy("Nama potret baru"),
        help_text=gettext_lazy("Mis. “Tutupan lahan 2024 (pemetaan partisipatif)”. Kosongkan untuk nama baku."),
    )
    crs_epsg = forms.IntegerField(
        required=False,
        min_value=1024,
        max_value=999999,
        label=gettext_lazy("Kode EPSG (opsional)"),
        help_text=gettext_lazy(
            "Isi hanya bila berkas tidak menyimpan sistem koordinat (mis. Shapefile tanpa .prj): "
            "4326 untuk derajat WGS 84, 32747/32748 untuk UTM 47S/48S."
        ),
    )

    def __init__(self, *args, too_large: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["layer"].choices = [(slug, spec.title) for slug, spec in LAYERS.items()]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        ext = importer.extension_of(upload.name or "")
        if ext not in importer.EXTENSIONS:
            raise forms.ValidationError(importer.file_message("bad_extension", {"ext": ext or "?"}))
        if upload.size == 0:
            raise forms.ValidationError(importer.file_message("empty_file", {"name": upload.name}))
        if upload.size > importer.max_import_bytes():
            raise forms.ValidationError(self._too_large_message(upload.size))
        return upload

    def _too_large_message(self, size: int) -> str:
        return importer.file_message(
            "too_large", {"size": filesizeformat(size), "limit": filesizeformat(importer.max_import_bytes())}
        )

    def clean_crs_epsg(self):
        code = self.cleaned_data.get("crs_epsg")
        if code:
            try:
                SpatialReference(code)
            except (GDALException, SRSException, ValueError, TypeError):
                raise forms.ValidationError(_("EPSG:%(code)s tidak dikenal oleh GDAL/PROJ.") % {"code": code}) from None
        return code

    def clean(self):
        data = super().clean()
        if self.too_large:
            # The handler stopped reading the body, so the file field is simply missing: say why.
            self.errors.pop("file", None)
            self.add_error("file", self._too_large_message(self.too_large))
        if data.get("layer") == "tutupan-lahan":
            if data.get("snapshot") and (data.get("new_year") or data.get("new_legend")):
                self.add_error("snapshot", _("Pilih potret yang ada atau isi potret baru, bukan keduanya."))
            elif not data.get("snapshot"):
                if not data.get("new_year"):
                    self.add_error("new_year", _("Isi tahun potret tutupan lahan, atau pilih potret yang ada."))
                if not data.get("new_legend"):
                    self.add_error("new_legend", _("Pilih legenda kelas tutupan lahan (KLHK atau ICRAF)."))
        return data

    def new_snapshot(self) -> dict | None:
        data = self.cleaned_data
        if data.get("layer") != "tutupan-lahan" or data.get("snapshot"):
            return None
        year = data["new_year"]
        name = data.get("new_name") or _("Tutupan lahan %(year)s") % {"year": year}
        return {"year": year, "legend_id": data["new_legend"].pk, "name": name}


class MappingForm(forms.Form):
    """For each attribute of the layer: the file column it comes from, or a fixed value for every feature."""

    def __init__(self, *args, job: ImportJob, spec: LayerSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        self.spec = spec
        self.legend = importer.LegendLookup.for_job(job)
        columns = [("", _("— tidak dari kolom —"))] + [(c["name"], self._column_label(c)) for c in job.source_fields]
        self.rows = []
        for f in importer.mapped_fields(spec):
            entry = job.mapping.get(f.name) or {}
            label = str(f.verbose_name).capitalize()
            required = not f.blank and not f.has_default()
            column_field = forms.ChoiceField(
                choices=columns, required=False, label=_("Kolom untuk %(field)s") % {"field": label}
            )
            column_field.initial = entry.get("column", "")
            value_field = self._value_field(f, label)
            value_field.initial = entry.get("value", "")
            self.fields[f"col_{f.name}"] = column_field
            self.fields[f"val_{f.name}"] = value_field
            self.rows.append({"name": f.name, "label": label, "required": required, "help": f.help_text})

    @staticmethod
    def _column_label(column: dict) -> str:
        samples = ", ".join(column.get("samples") or [])
        return f"{column['name']} ({samples})" if samples else column["name"]

    def _value_field(self, f, label: str) -> forms.Field:
        text = _("Nilai tetap untuk %(field)s") % {"field": label}
        if f.choices:
            return forms.ChoiceField(choices=[("", "—")] + list(f.flatchoices), required=False, label=text)
        if f.name == "klass":
            legend = self.legend.legend
            classes = legend.classes.order_by("sort_order", "code") if legend else []
            choices = [("", "—")] + [(c.code, f"{c.code} {c.name_id}") for c in classes]
            return forms.ChoiceField(choices=choices, required=False, label=text)
        if f.get_internal_type() == "DateField":
            return forms.CharField(
                required=False, label=text, widget=forms.DateInput(attrs={"type": "date"}), max_length=20
            )
        return forms.CharField(required=False, label=text, max_length=500)

    def bound_rows(self):
        for row in self.rows:
            yield {**row, "column": self[f"col_{row['name']}"], "value": self[f"val_{row['name']}"]}

    def clean(self):
        data = super().clean()
        for row in self.rows:
            name = row["name"]
            column, value = data.get(f"col_{name}"), data.get(f"val_{name}")
            if row["required"] and not column and not value:
                self.add_error(
                    f"col_{name}",
                    _("%(field)s wajib: pilih kolom berkas atau nilai tetap.") % {"field": row["label"]},
                )
            if value:
                problem = importer.check_constant(self.spec, name, value, self.legend)
                if problem:
                    self.add_error(f"val_{name}", problem)
        return data

    def mapping(self) -> dict:
        return {
            row["name"]: {
                "column": self.cleaned_data.get(f"col_{row['name']}") or "",
                "value": str(self.cleaned_data.get(f"val_{row['name']}") or ""),
            }
            for row in self.rows
        }


class SourceLayersForm(forms.Form):
    layers = forms.MultipleChoiceField(
        label=gettext_lazy("Lapisan sumber yang diimpor"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(*args, **kwargs)
        layers = (job.report or {}).get("layers") or []
        self.fields["layers"].choices = [
            (entry["name"], f"{entry['name']} — {entry['geom_type']}, {entry['count']}")
            for entry in layers
            if entry["count"]
        ]
        self.fields["layers"].initial = [entry["name"] for entry in layers if entry.get("selected")]


class CommitForm(forms.Form):
    skip_rejected = forms.BooleanField(required=False)

    def __init__(self, *args, rejected: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rejected = rejected
        self.fields["skip_rejected"].label = _(
            "Saya mengerti: %(n)s fitur yang ditolak tidak ikut disimpan. "
            "Perbaiki di berkas lalu impor lagi bila perlu."
        ) % {"n": rejected}

    def clean(self):
        data = super().clean()
        if self.rejected and not data.get("skip_rejected"):
            self.add_error("skip_rejected", _("Centang persetujuan ini untuk menyimpan tanpa fitur yang ditolak."))
        return data
