"""Forms of the census pages (labels and errors in Bahasa)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import choices as c
from .importer.reader import MAX_BYTES
from .models import CensusImport
from .services import MIN_REASON


class ImportForm(forms.Form):
    wilayah = forms.ChoiceField(label=_("Wilayah tujuan"))
    file_format = forms.ChoiceField(
        label=_("Format berkas"), choices=CensusImport.Format.choices, initial=CensusImport.Format.TEMPLATE
    )
    upload = forms.FileField(label=_("Berkas (.xlsx, atau .csv lembar Keluarga)"))
    upload_residents = forms.FileField(label=_("Berkas CSV lembar Penduduk (hanya bila memakai CSV)"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].choices = [(a.kode, f"{a.label} {a.nama} ({a.kode})") for a in areas]

    def clean(self):
        data = super().clean()
        for name in ("upload", "upload_residents"):
            item = data.get(name)
            if item is not None and item.size > MAX_BYTES:
                self.add_error(name, _("Berkas melebihi batas 50 MB. Pecah per dusun atau per kampung."))
        return data


class SearchForm(forms.Form):
    # Sent with POST: a NIK or a name typed here must never land in a URL, a server log or a Referer.
    q = forms.CharField(label=_("Cari NIK, nomor KK atau nama"), max_length=60, required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ExportForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan ekspor"),
        min_length=MIN_REASON,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Untuk apa data pribadi ini dipakai (mis. verifikasi penerima BLT Dana Desa "
            "2026). Alasan dicatat di log akses."
        ),
    )


class DepartureForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Peristiwa"),
        choices=[
            (k, label)
            for k, label in c.EventKind.choices
            if k in (c.EventKind.MENINGGAL, c.EventKind.PINDAH_KELUAR, c.EventKind.HILANG)
        ],
    )
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Keterangan (tanpa data pribadi orang lain)"), max_length=300, required=False)


class MemberForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Peristiwa"),
        choices=[(k, label) for k, label in c.EventKind.choices if k in (c.EventKind.LAHIR, c.EventKind.PINDAH_DATANG)],
    )
    event_date = forms.DateField(
        label=_("Tanggal peristiwa"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nik = forms.CharField(label=_("NIK"), max_length=16, min_length=16)
    name = forms.CharField(label=_("Nama lengkap"), max_length=120)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=c.Sex.choices)
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=80, required=False)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=forms.DateInput(attrs={"type": "date"}))
    relationship = forms.ChoiceField(
        label=_("Hubungan dalam keluarga"), choices=c.Relationship.choices, initial=c.Relationship.ANAK
    )
    religion = forms.ChoiceField(label=_("Agama"), choices=[("", "—"), *c.Religion.choices], required=False)
    education = forms.ChoiceField(
        label=_("Pendidikan terakhir"), choices=[("", "—"), *c.Education.choices], required=False
    )
    occupation = forms.ChoiceField(label=_("Pekerjaan"), choices=[("", "—"), *c.Occupation.choices], required=False)
    health_insurance = forms.ChoiceField(
        label=_("Jaminan kesehatan"), choices=[("", "—"), *c.HealthInsurance.choices], required=False
    )
    note = forms.CharField(label=_("Keterangan"), max_length=300, required=False)

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("Tanggal lahir di masa depan."))
        return born


class StatsFilterForm(forms.Form):
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=[("", _("Semua")), *c.Sex.choices], required=False)
    umur = forms.TypedChoiceField(
        label=_("Kelompok umur"),
        choices=[("", _("Semua umur")), *[(str(i), label) for i, (_f, _l, label) in enumerate(c.AGE_GROUPS)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    sub = forms.ChoiceField(label=_("Kampung/RT"), required=False)

    def __init__(self, *args, subunits=(), exact=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub"].choices = [("", _("Seluruh wilayah")), *[(s.kode, s.nama) for s in subunits]]
        if not exact:
            # The public gets the sex filter only: every extra public filter is another table an
            # attacker could difference against the others.
            del self.fields["umur"]
            del self.fields["sub"]
