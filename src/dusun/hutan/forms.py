"""Forms of the hutan pages. They check the shape of the input (numbers, dates, choices limited to what the
user may pick); the rules of the ledger (allocations within receipts, uses within allocations, households of
the allocation's own village, who may write) are the services', whose messages the views attach here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dusun.ruang.models import LegendClass

from .models import Allocation, Beneficiary, Payment, Purpose


class FactorForm(forms.Form):
    klass = forms.ModelChoiceField(LegendClass.objects.none(), label=_("Kelas"))
    tc_ha = forms.DecimalField(label=_("Stok karbon (tC/ha)"), min_value=0, max_digits=8, decimal_places=2)
    note = forms.CharField(label=_("Alasan/sumber perubahan"), max_length=300)

    def __init__(self, table, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].queryset = LegendClass.objects.filter(legend=table.legend)


def _rupiah_field(label):
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=10**15,
        error_messages={
            "min_value": _("%(label)s harus lebih dari Rp 0; tulis jumlah rupiah tanpa titik, mis. 25000000.")
            % {"label": label},
            "invalid": _("%(label)s harus berupa bilangan rupiah bulat tanpa titik atau koma, mis. 25000000.")
            % {"label": label},
        },
    )


class LedgerForm(forms.Form):
    """Every ledger form carries `aksi` so one view can tell which of its forms was sent."""

    aksi = forms.CharField(widget=forms.HiddenInput)
    action_name = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.action_name)
        super().__init__(*args, **kwargs)
        self.fields["aksi"].initial = self.action_name


class PaymentForm(LedgerForm):
    action_name = "penerimaan"
    year = forms.IntegerField(
        label=_("Tahun"),
        min_value=1990,
        max_value=2100,
        error_messages={
            "min_value": _("Tahun harus antara 1990 dan 2100."),
            "max_value": _("Tahun harus antara 1990 dan 2100."),
        },
    )
    buyer = forms.CharField(label=_("Pembeli/pemberi dana"), max_length=200)
    amount_rp = _rupiah_field(_("Jumlah (Rp)"))
    credits_tco2e = forms.DecimalField(
        label=_("Kredit terverifikasi (tCO₂e)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={"min_value": _("Kredit terverifikasi tidak boleh negatif.")},
    )
    source_url = forms.URLField(
        label=_("Tautan bukti/sumber (boleh kosong)"), required=False, max_length=400, assume_scheme="https"
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)


class AllocationForm(LedgerForm):
    action_name = "alokasi"
    payment = forms.ModelChoiceField(
        Payment.objects.none(),
        label=_("Dari penerimaan"),
        error_messages={"invalid_choice": _("Penerimaan yang dipilih bukan penerimaan skema ini.")},
    )
    dusun = forms.ModelChoiceField(
        Payment.objects.none(),
        label=_("Dusun"),
        error_messages={"invalid_choice": _("Dusun yang dipilih bukan dusun peserta skema ini.")},
    )
    purpose = forms.ChoiceField(label=_("Peruntukan"), choices=Purpose.choices)
    amount_rp = _rupiah_field(_("Jumlah alokasi (Rp)"))
    households = forms.IntegerField(
        label=_("Jumlah KK penerima (boleh kosong)"),
        required=False,
        min_value=0,
        error_messages={"min_value": _("Jumlah KK penerima tidak boleh negatif.")},
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def __init__(self, scheme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].queryset = scheme.payments.order_by("-year", "-id")
        self.fields["payment"].label_from_instance = lambda p: f"{p.year} · {p.buyer}"
        self.fields["dusun"].queryset = scheme.villages.order_by("kode")
        self.fields["dusun"].label_from_instance = lambda w: w.nama


class CorrectionForm(LedgerForm):
    """A correction of one amount: an edit with history (old, new, who, when, why)."""

    target = forms.ModelChoiceField(Payment.objects.none(), label=_("Catatan yang dikoreksi"))
    amount_rp = _rupiah_field(_("Jumlah yang benar (Rp)"))
    note = forms.CharField(label=_("Alasan koreksi"), max_length=300)

    def __init__(self, action_name, queryset, label, *args, **kwargs):
        self.action_name = action_name
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = queryset
        self.fields["target"].label_from_instance = label


class SpendingForm(LedgerForm):
    action_name = "penggunaan"
    allocation = forms.ModelChoiceField(
        Allocation.objects.none(),
        label=_("Dari alokasi"),
        error_messages={"invalid_choice": _("Alokasi yang dipilih bukan alokasi dusun ini.")},
    )
    spent_on = forms.DateField(
        label=_("Tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Tanggal harus berformat TTTT-BB-HH, mis. 2024-03-31.")},
    )
    description = forms.CharField(label=_("Uraian penggunaan"), max_length=300)
    amount_rp = _rupiah_field(_("Jumlah (Rp)"))

    def __init__(self, allocations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = allocations
        self.fields["allocation"].label_from_instance = allocation_label


class BeneficiaryForm(LedgerForm):
    action_name = "penerima"
    allocation = forms.ModelChoiceField(
        Allocation.objects.none(),
        label=_("Alokasi"),
        error_messages={"invalid_choice": _("Alokasi yang dipilih bukan alokasi dusun ini.")},
    )
    household = forms.ModelChoiceField(
        Payment.objects.none(),
        label=_("Keluarga (kepala keluarga)"),
        to_field_name="uuid",  # the KK number never travels in the form
        error_messages={
            "invalid_choice": _("Keluarga yang dipilih bukan warga dusun ini; pilih dari daftar keluarga dusun ini.")
        },
    )

    def __init__(self, allocations, households, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = allocations
        self.fields["allocation"].label_from_instance = allocation_label
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = lambda h: " · ".join(
            x for x in (h.head_name or "?", h.subunit.nama if h.subunit else "", h.address) if x
        )


class UnlinkForm(LedgerForm):
    action_name = "hapus-penerima"
    beneficiary = forms.ModelChoiceField(Beneficiary.objects.none(), widget=forms.HiddenInput)
    note = forms.CharField(label=_("Alasan"), max_length=300)

    def __init__(self, beneficiaries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = beneficiaries


def allocation_label(a: Allocation) -> str:
    return f"{a.payment.year} · {a.get_purpose_display()} · Rp {a.amount_rp:,}".replace(",", ".")


class CommaDecimalField(forms.DecimalField):
    """Accepts the Bahasa decimal comma ("2,5") as well as the point."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class ThresholdForm(forms.Form):
    loss_pct = CommaDecimalField(
        label=_("Ambang kehilangan (% dari hutan alam awal)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "min_value": _("Ambang persen harus antara 0 dan 100."),
            "max_value": _("Ambang persen harus antara 0 dan 100."),
        },
    )
    min_ha = CommaDecimalField(
        label=_("Kehilangan minimal (ha)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        error_messages={"min_value": _("Ambang luas minimal tidak boleh negatif.")},
    )
    note = forms.CharField(label=_("Alasan perubahan"), max_length=300)
