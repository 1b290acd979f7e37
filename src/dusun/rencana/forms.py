from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level, Wilayah

from . import evidence
from .classification import sub_bidang_choices
from .models import WEIGHT_FIELDS, FundingSource, Issue, IssueCategory, IssueKind, PriorityWeights

LOCATION_HELP = _("Klik peta untuk menaruh titik, garis atau area; atau tempel GeoJSON/WKT di sini.")


class LocationField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2, "class": "geom-input"})


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=IssueKind.choices)
    category = forms.ChoiceField(label=_("Kategori"), choices=IssueCategory.choices)
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    location = LocationField(label=_("Lokasi"), help_text=LOCATION_HELP)
    subunits = forms.ModelMultipleChoiceField(
        label=_("Kampung/RT terdampak"), queryset=Wilayah.objects.none(), required=False
    )
    census_condition = forms.ChoiceField(label=_("Bukti dari sensus (dihitung di lokasi)"), required=False)
    idm_items = forms.MultipleChoiceField(label=_("Bukti dari IDM (indikator skor rendah)"), required=False)
    road = forms.ModelChoiceField(label=_("Bukti dari peta: ruas jalan rusak"), queryset=None, required=False)

    def __init__(self, *args, dusun, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subunits"].queryset = Wilayah.objects.filter(parent=dusun, level=Level.SUBUNIT).order_by("kode")
        self.fields["census_condition"].choices = evidence.census_choices()
        self.fields["idm_items"].choices = evidence.idm_choices(dusun)
        self.fields["road"].queryset = evidence.bad_roads(dusun)
        self.fields["road"].label_from_instance = evidence.road_label


class ProposalForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun pelaksanaan"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Nama kegiatan"), max_length=200)
    description = forms.CharField(label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    sub_bidang = forms.ChoiceField(label=_("Bidang / sub-bidang (Permendagri 20/2018)"))
    location = LocationField(label=_("Lokasi"), help_text=LOCATION_HELP)
    buffer_m = forms.IntegerField(
        label=_("Jangkauan (m)"),
        required=False,
        help_text=_(
            "Rumah dalam jarak ini dari lokasi dihitung penerima manfaat. Kosong: titik 250 m, garis 100 m, area 0 m."
        ),
    )
    volume = forms.DecimalField(label=_("Volume"), max_digits=12, decimal_places=2)
    unit = forms.CharField(label=_("Satuan"), max_length=30)
    cost = forms.DecimalField(label=_("Perkiraan biaya (Rp)"), max_digits=15, decimal_places=0)
    funding = forms.ChoiceField(label=_("Sumber dana"), choices=FundingSource.choices)
    urgency = forms.TypedChoiceField(
        label=_("Urgensi"), coerce=int, choices=[(i, str(i)) for i in range(1, 6)], initial=3
    )
    issues = forms.ModelMultipleChoiceField(
        label=_("Menjawab masalah/potensi"), queryset=Issue.objects.none(), required=False
    )
    idm_items = forms.MultipleChoiceField(label=_("Indikator IDM yang dinaikkan"), required=False)

    def __init__(self, *args, dusun, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_bidang"].choices = sub_bidang_choices()
        self.fields["issues"].queryset = Issue.objects.filter(dusun=dusun)
        self.fields["idm_items"].choices = evidence.idm_choices(dusun)
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year + 1


class MeetingForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun rencana"), min_value=2000, max_value=2100)
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    place = forms.CharField(label=_("Tempat"), max_length=200)
    attendees_male = forms.IntegerField(label=_("Peserta laki-laki"), min_value=0)
    attendees_female = forms.IntegerField(label=_("Peserta perempuan"), min_value=0)
    minutes = forms.CharField(label=_("Notulen"), widget=forms.Textarea(attrs={"rows": 4}))
    attendance_list = forms.CharField(
        label=_("Daftar hadir (nama, satu per baris)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class WeightsForm(forms.ModelForm):
    class Meta:
        model = PriorityWeights
        fields = list(WEIGHT_FIELDS)


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    progress_pct = forms.IntegerField(label=_("Kemajuan fisik (%)"), min_value=0, max_value=100)
    realised = forms.DecimalField(label=_("Realisasi kumulatif (Rp)"), max_digits=15, decimal_places=0, min_value=0)
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)
    photo = forms.FileField(label=_("Foto (JPEG/PNG, maks. 8 MB)"), required=False)


class CeilingForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Pagu (Rp)"), max_digits=16, decimal_places=0, min_value=0)
