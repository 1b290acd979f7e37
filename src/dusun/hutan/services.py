"""All writes of the hutan module: the change-matrix cache, carbon factor tables, the carbon ledger.

Ledger writes are checked against the user's scope (the kabupaten admin keeps the ledger; a village's
operator may link its households to an allocation) and run in a transaction that locks the payment row,
so two allocations entered at once can never together exceed the receipt.
"""

import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from dusun.akun.scope import can_edit
from dusun.ruang.models import LandCoverSnapshot, Legend, LegendClass
from dusun.ruang.selectors import data_version
from dusun.wilayah.models import Level, Wilayah

from . import change
from .models import (
    AlertThreshold,
    Allocation,
    Beneficiary,
    ChangeCell,
    ChangeRun,
    ChangeVillage,
    Factor,
    FactorEdit,
    FactorTable,
    LedgerEdit,
    Payment,
    Provenance,
    Purpose,
    Scheme,
    Spending,
)

LAYER = "tutupan-lahan"


class LedgerError(Exception):
    """Bad ledger input; the message is Bahasa, for the user. Nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def kabupaten() -> Wilayah:
    return Wilayah.objects.get(kode=settings.DUSUN_KABUPATEN_KODE, level=Level.KABUPATEN)


# ---------------------------------------------------------------------------------------------------------
# Change matrix cache
# ---------------------------------------------------------------------------------------------------------


def current_run(from_snapshot: LandCoverSnapshot, to_snapshot: LandCoverSnapshot) -> ChangeRun:
    """The pair's run, emptied when the land-cover layer has changed since its cells were computed.
    Refuses a pair whose legends have no complete mapping before anything is stored."""
    change.class_translation(from_snapshot, to_snapshot)
    version = data_version([LAYER])
    with transaction.atomic():
        run, _created = ChangeRun.objects.get_or_create(from_snapshot=from_snapshot, to_snapshot=to_snapshot)
        run = ChangeRun.objects.select_for_update().get(pk=run.pk)
        if run.data_version != version:
            run.villages.all().delete()
            run.data_version = version
            run.status, run.progress, run.message, run.seconds = ChangeRun.Status.PENDING, 0, "", None
            run.save()
    return run


def _store(run: ChangeRun, matrices: dict[int, change.VillageMatrix]) -> None:
    ChangeVillage.objects.filter(run=run, dusun_id__in=list(matrices)).delete()
    villages = ChangeVillage.objects.bulk_create(
        ChangeVillage(run=run, dusun_id=m.dusun_id, from_polygons=m.from_polygons, to_polygons=m.to_polygons)
        for m in matrices.values()
    )
    by_dusun = {v.dusun_id: v for v in villages}
    ChangeCell.objects.bulk_create(
        ChangeCell(village=by_dusun[m.dusun_id], from_class_id=a, to_class_id=b, area_ha=ha)
        for m in matrices.values()
        for (a, b), ha in m.cells.items()
    )


def ensure_village(run: ChangeRun, dusun: Wilayah) -> None:
    """Compute and store one village's matrix if it is not stored yet (well under a second)."""
    if ChangeVillage.objects.filter(run=run, dusun=dusun).exists():
        return
    with transaction.atomic():
        matrices = change.compute(run.from_snapshot, run.to_snapshot, [dusun.pk])
        _store(run, matrices)


def compute_all(run_id: int, pair_equal: bool = True) -> None:
    """The whole kabupaten, kecamatan by kecamatan (progress after each); the background task's body."""
    run = ChangeRun.objects.select_related("from_snapshot__legend", "to_snapshot__legend").get(pk=run_id)
    started = time.perf_counter()
    ChangeRun.objects.filter(pk=run_id).update(status=ChangeRun.Status.RUNNING, progress=0, message="")
    groups: dict[str, list[int]] = {}
    for pk, kode in Wilayah.objects.filter(level=Level.DESA, kode__startswith=kabupaten().kode + ".").values_list(
        "id", "kode"
    ):
        groups.setdefault(kode.rsplit(".", 1)[0], []).append(pk)
    try:
        for done, (_kecamatan, ids) in enumerate(sorted(groups.items()), start=1):
            with transaction.atomic():
                _store(run, change.compute(run.from_snapshot, run.to_snapshot, ids, pair_equal=pair_equal))
            ChangeRun.objects.filter(pk=run_id).update(progress=round(100 * done / len(groups)))
    except change.ChangeError as error:
        ChangeRun.objects.filter(pk=run_id).update(status=ChangeRun.Status.FAILED, message=error.message)
        return
    ChangeRun.objects.filter(pk=run_id).update(
        status=ChangeRun.Status.DONE, progress=100, seconds=time.perf_counter() - started
    )


# ---------------------------------------------------------------------------------------------------------
# Carbon factor tables
# ---------------------------------------------------------------------------------------------------------

DEFAULT_TABLE = "ICRAF Bungo (bawaan)"


def seed_default_factor_table() -> FactorTable:
    """The default table from the ICRAF Bungo legend's carbon stocks (as shipped in ruang's legend data)."""
    legend = Legend.objects.get(code="icraf-bungo")
    with transaction.atomic():
        table, created = FactorTable.objects.get_or_create(
            name=DEFAULT_TABLE,
            defaults={
                "legend": legend,
                "is_default": True,
                "source": legend.source or "ICRAF LUMENS carbon_bungo.csv",
            },
        )
        if created:
            Factor.objects.bulk_create(
                Factor(table=table, klass=k, tc_ha=k.carbon_tc_ha)
                for k in LegendClass.objects.filter(legend=legend, carbon_tc_ha__isnull=False)
            )
    return table


def set_factor(user, table: FactorTable, klass: LegendClass, value, note: str) -> FactorEdit:
    """Change (or add) one factor; kabupaten admin only; the table's version moves and the edit is kept."""
    if not can_edit(user, kabupaten()):  # on the kabupaten itself: the kabupaten admin (or a superuser)
        raise PermissionDenied(_("Hanya admin kabupaten yang dapat mengubah tabel faktor karbon."))
    try:
        value = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise LedgerError(_("Faktor karbon harus berupa angka tC/ha, mis. 129,97.")) from None
    if value < 0:
        raise LedgerError(
            _("Faktor karbon %(kelas)s tidak boleh negatif (diterima %(v)s).") % {"kelas": klass, "v": value}
        )
    if klass.legend_id != table.legend_id:
        raise LedgerError(_("Kelas %(kelas)s bukan kelas legenda tabel ini.") % {"kelas": klass})
    if not note.strip():
        raise LedgerError(_("Tuliskan alasan atau sumber perubahan faktor."))
    with transaction.atomic():
        table = FactorTable.objects.select_for_update().get(pk=table.pk)
        factor = Factor.objects.filter(table=table, klass=klass).first()
        old = factor.tc_ha if factor else None
        if factor:
            factor.tc_ha = value
            factor.save(update_fields=["tc_ha"])
        else:
            Factor.objects.create(table=table, klass=klass, tc_ha=value)
        table.version += 1
        table.save(update_fields=["version", "updated_at"])
        return FactorEdit.objects.create(
            table=table,
            klass=klass,
            old_tc_ha=old,
            new_tc_ha=value,
            version=table.version,
            note=note.strip(),
            user=user,
        )


# ---------------------------------------------------------------------------------------------------------
# Community carbon ledger
# ---------------------------------------------------------------------------------------------------------


def _require_ledger_admin(user) -> None:
    """`user=None` is a management command (seeding), never a request: views always pass request.user."""
    if user is not None and not can_edit(user, kabupaten()):
        raise PermissionDenied(_("Buku kas dana karbon hanya dapat diisi admin kabupaten."))


def _require_village_editor(user, dusun: Wilayah) -> None:
    if user is not None and not can_edit(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang mencatat dana karbon %(dusun)s.") % {"dusun": dusun.nama})


def rupiah(value: int) -> str:
    return f"{int(value):,}".replace(",", ".")


def _amount(value, what: str) -> int:
    """A positive whole rupiah amount, or a LedgerError naming the field."""
    try:
        amount = int(str(value).strip()) if value is not None and not isinstance(value, int) else value
    except ValueError:
        raise LedgerError(
            _("%(what)s harus berupa bilangan rupiah bulat (diterima: %(v)s).") % {"what": what, "v": value}
        ) from None
    if amount is None or amount <= 0:
        raise LedgerError(_("%(what)s harus lebih dari Rp 0 (diterima: %(v)s).") % {"what": what, "v": value})
    return amount


def _reason(note: str) -> str:
    if not (note or "").strip():
        raise LedgerError(_("Tuliskan alasan koreksi (kolom Alasan), mis. salah ketik atau bukti transfer baru."))
    return note.strip()[:300]


def _history(user, scheme_id: int, kind: str, action: str, object_id: int, *, dusun=None, old="", new="", note=""):
    return LedgerEdit.objects.create(
        scheme_id=scheme_id,
        dusun=dusun,
        kind=kind,
        action=action,
        object_id=object_id,
        old_value=str(old)[:120],
        new_value=str(new)[:120],
        note=note[:300],
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "",
    )


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def record_payment(
    user, scheme: Scheme, *, year: int, buyer: str, amount_rp: int, credits_tco2e=None,
    provenance: str = Provenance.ENTERED, source_url: str = "", note: str = "", is_demo: bool = False,
) -> Payment:  # fmt: skip
    _require_ledger_admin(user)
    if amount_rp is None or int(amount_rp) <= 0:
        raise LedgerError(
            _("Jumlah penerimaan %(year)s dari %(buyer)s harus lebih dari Rp 0 (diterima: %(v)s).")
            % {"year": year, "buyer": buyer, "v": amount_rp}
        )
    if not year or not 1990 <= int(year) <= 2100:
        raise LedgerError(_("Tahun penerimaan harus antara 1990 dan 2100 (diterima: %(v)s).") % {"v": year})
    if not (buyer or "").strip():
        raise LedgerError(_("Isi nama pembeli/pemberi dana."))
    if credits_tco2e is not None and Decimal(str(credits_tco2e)) < 0:
        raise LedgerError(_("Kredit terverifikasi tidak boleh negatif (diterima: %(v)s).") % {"v": credits_tco2e})
    if provenance == Provenance.SOURCED and not source_url:
        raise LedgerError(_("Angka bersumber harus menyertakan alamat sumbernya."))
    with transaction.atomic():
        payment = Payment.objects.create(
            scheme=scheme, year=year, buyer=buyer.strip(), amount_rp=int(amount_rp), credits_tco2e=credits_tco2e,
            provenance=provenance, source_url=source_url, note=note, is_demo=is_demo, created_by=_actor(user),
        )  # fmt: skip
        _history(user, scheme.pk, LedgerEdit.Kind.PAYMENT, LedgerEdit.Action.CREATE, payment.pk,
                 new=f"{year} Rp {rupiah(amount_rp)}", note=note)  # fmt: skip
    return payment


def _over_receipt(locked: Payment, allocated: int, amount: int, dusun: Wilayah) -> LedgerError:
    return LedgerError(
        _(
            "Alokasi Rp %(amount)s untuk %(dusun)s melebihi sisa penerimaan %(year)s: diterima "
            "Rp %(received)s, sudah dialokasikan Rp %(allocated)s, sisa Rp %(rest)s. Kurangi jumlahnya atau "
            "catat penerimaannya dulu."
        )
        % {
            "amount": rupiah(amount),
            "dusun": dusun.nama,
            "year": locked.year,
            "received": rupiah(locked.amount_rp),
            "allocated": rupiah(allocated),
            "rest": rupiah(locked.amount_rp - allocated),
        }
    )


def allocate(
    user, payment: Payment, *, dusun: Wilayah, purpose: str, amount_rp: int, households: int | None = None,
    provenance: str = Provenance.ENTERED, source_url: str = "", note: str = "", is_demo: bool = False,
) -> Allocation:  # fmt: skip
    """Allocate part of a payment to a village; refused if the allocations would exceed the receipt."""
    _require_ledger_admin(user)
    if purpose not in Purpose.values:
        raise LedgerError(
            _("Peruntukan %(p)s tidak dikenal; pilih salah satu: %(all)s.")
            % {"p": purpose, "all": ", ".join(Purpose.values)}
        )
    if amount_rp is None or int(amount_rp) <= 0:
        raise LedgerError(_("Jumlah alokasi untuk %(dusun)s harus lebih dari Rp 0.") % {"dusun": dusun.nama})
    if households is not None and int(households) < 0:
        raise LedgerError(_("Jumlah KK penerima tidak boleh negatif."))
    if dusun.level != Level.DESA:
        raise LedgerError(_("Alokasi hanya untuk dusun/desa, bukan %(w)s.") % {"w": dusun})
    if not payment.scheme.villages.filter(pk=dusun.pk).exists():
        raise LedgerError(
            _("%(dusun)s bukan dusun peserta skema %(scheme)s.") % {"dusun": dusun.nama, "scheme": payment.scheme}
        )
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        allocated = locked.allocations.aggregate(total=Sum("amount_rp"))["total"] or 0
        if allocated + int(amount_rp) > locked.amount_rp:
            raise _over_receipt(locked, allocated, int(amount_rp), dusun)
        allocation = Allocation.objects.create(
            payment=locked, dusun=dusun, purpose=purpose, amount_rp=int(amount_rp), households=households,
            provenance=provenance, source_url=source_url, note=note, is_demo=is_demo, created_by=_actor(user),
        )  # fmt: skip
        _history(user, locked.scheme_id, LedgerEdit.Kind.ALLOCATION, LedgerEdit.Action.CREATE, allocation.pk,
                 dusun=dusun, new=f"{purpose} Rp {rupiah(amount_rp)}", note=note)  # fmt: skip
    return allocation


def correct_payment(user, payment: Payment, *, amount_rp, note: str) -> Payment:
    """A correction is an edit with history (`LedgerEdit`: old and new amount, who, when, why); a receipt
    can never drop below what is already allocated from it."""
    _require_ledger_admin(user)
    amount = _amount(amount_rp, _("Jumlah penerimaan yang benar"))
    note = _reason(note)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        allocated = locked.allocations.aggregate(total=Sum("amount_rp"))["total"] or 0
        if amount < allocated:
            raise LedgerError(
                _(
                    "Penerimaan %(year)s tidak dapat dikoreksi menjadi Rp %(amount)s: sudah dialokasikan Rp "
                    "%(allocated)s. Koreksi alokasinya dulu."
                )
                % {"year": locked.year, "amount": rupiah(amount), "allocated": rupiah(allocated)}
            )
        old = locked.amount_rp
        locked.amount_rp = amount
        locked.save(update_fields=["amount_rp"])
        _history(user, locked.scheme_id, LedgerEdit.Kind.PAYMENT, LedgerEdit.Action.CORRECT, locked.pk,
                 old=f"Rp {rupiah(old)}", new=f"Rp {rupiah(amount)}", note=note)  # fmt: skip
    return locked


def correct_allocation(user, allocation: Allocation, *, amount_rp, note: str) -> Allocation:
    """Edit with history; the allocations of the receipt stay within it and above what the village spent."""
    _require_ledger_admin(user)
    amount = _amount(amount_rp, _("Jumlah alokasi yang benar"))
    note = _reason(note)
    with transaction.atomic():  # lock order: payment, then allocation (as allocate and record_spending)
        payment = Payment.objects.select_for_update().get(pk=allocation.payment_id)
        locked = Allocation.objects.select_for_update().select_related("dusun").get(pk=allocation.pk)
        others = payment.allocations.exclude(pk=locked.pk).aggregate(total=Sum("amount_rp"))["total"] or 0
        if others + amount > payment.amount_rp:
            raise _over_receipt(payment, others, amount, locked.dusun)
        spent = locked.spendings.aggregate(total=Sum("amount_rp"))["total"] or 0
        if amount < spent:
            raise LedgerError(
                _(
                    "Alokasi tidak dapat dikoreksi menjadi Rp %(amount)s: %(dusun)s sudah mencatat penggunaan "
                    "Rp %(spent)s."
                )
                % {"amount": rupiah(amount), "dusun": locked.dusun.nama, "spent": rupiah(spent)}
            )
        old = locked.amount_rp
        locked.amount_rp = amount
        locked.save(update_fields=["amount_rp"])
        _history(user, payment.scheme_id, LedgerEdit.Kind.ALLOCATION, LedgerEdit.Action.CORRECT, locked.pk,
                 dusun=locked.dusun, old=f"Rp {rupiah(old)}", new=f"Rp {rupiah(amount)}", note=note)  # fmt: skip
    return locked


def record_spending(user, allocation: Allocation, *, spent_on, description: str, amount_rp) -> Spending:
    """The village's own record of how it used its allocation (its operator, or the kabupaten admin); the
    uses of one allocation never exceed it."""
    _require_village_editor(user, allocation.dusun)
    amount = _amount(amount_rp, _("Jumlah penggunaan"))
    if not (description or "").strip():
        raise LedgerError(_("Isi uraian penggunaan, mis. honor patroli hutan Maret 2024."))
    if spent_on is None:
        raise LedgerError(_("Isi tanggal penggunaan."))
    with transaction.atomic():
        locked = Allocation.objects.select_for_update().select_related("payment", "dusun").get(pk=allocation.pk)
        spent = locked.spendings.aggregate(total=Sum("amount_rp"))["total"] or 0
        if spent + amount > locked.amount_rp:
            raise LedgerError(
                _(
                    "Penggunaan Rp %(amount)s melebihi sisa alokasi %(purpose)s %(year)s untuk %(dusun)s: dialokasikan "
                    "Rp %(allocated)s, sudah digunakan Rp %(spent)s, sisa Rp %(rest)s."
                )
                % {
                    "amount": rupiah(amount),
                    "purpose": locked.get_purpose_display(),
                    "year": locked.payment.year,
                    "dusun": locked.dusun.nama,
                    "allocated": rupiah(locked.amount_rp),
                    "spent": rupiah(spent),
                    "rest": rupiah(locked.amount_rp - spent),
                }
            )
        spending = Spending.objects.create(
            allocation=locked, spent_on=spent_on, description=description.strip()[:300], amount_rp=amount,
            created_by=_actor(user),
        )  # fmt: skip
        _history(user, locked.payment.scheme_id, LedgerEdit.Kind.SPENDING, LedgerEdit.Action.CREATE, spending.pk,
                 dusun=locked.dusun, new=f"Rp {rupiah(amount)}", note=description.strip())  # fmt: skip
    return spending


def correct_spending(user, spending: Spending, *, amount_rp, note: str) -> Spending:
    """The village corrects an amount it recorded: an edit with history (old, new, who, when, why); the uses
    of the allocation still never exceed it."""
    _require_village_editor(user, spending.allocation.dusun)
    amount = _amount(amount_rp, _("Jumlah penggunaan yang benar"))
    note = _reason(note)
    with transaction.atomic():  # lock order: allocation, then spending (as record_spending)
        allocation = (
            Allocation.objects.select_for_update().select_related("payment", "dusun").get(pk=spending.allocation_id)
        )
        locked = Spending.objects.select_for_update().get(pk=spending.pk)
        others = allocation.spendings.exclude(pk=locked.pk).aggregate(total=Sum("amount_rp"))["total"] or 0
        if others + amount > allocation.amount_rp:
            raise LedgerError(
                _(
                    "Penggunaan tidak dapat dikoreksi menjadi Rp %(amount)s: alokasinya Rp %(allocated)s dan "
                    "penggunaan lain sudah Rp %(others)s."
                )
                % {"amount": rupiah(amount), "allocated": rupiah(allocation.amount_rp), "others": rupiah(others)}
            )
        old = locked.amount_rp
        locked.amount_rp = amount
        locked.save(update_fields=["amount_rp"])
        _history(user, allocation.payment.scheme_id, LedgerEdit.Kind.SPENDING, LedgerEdit.Action.CORRECT, locked.pk,
                 dusun=allocation.dusun, old=f"Rp {rupiah(old)}", new=f"Rp {rupiah(amount)}", note=note)  # fmt: skip
    return locked


def add_beneficiary(user, allocation: Allocation, household) -> Beneficiary:
    """Link a census household to an allocation of its own village (operator of the village or kabupaten)."""
    if not can_edit(user, allocation.dusun):
        raise PermissionDenied(
            _("Anda tidak berwenang mencatat penerima di %(dusun)s.") % {"dusun": allocation.dusun.nama}
        )
    if household.dusun_id != allocation.dusun_id:
        raise LedgerError(_("Keluarga ini bukan warga %(dusun)s.") % {"dusun": allocation.dusun.nama})
    with transaction.atomic():
        if Beneficiary.objects.filter(allocation=allocation, household=household).exists():
            raise LedgerError(_("Keluarga ini sudah tercatat sebagai penerima alokasi tersebut."))
        beneficiary = Beneficiary.objects.create(allocation=allocation, household=household, created_by=_actor(user))
        _history(user, allocation.payment.scheme_id, LedgerEdit.Kind.BENEFICIARY, LedgerEdit.Action.CREATE,
                 beneficiary.pk, dusun=allocation.dusun, new=f"KK {household.uuid}")  # fmt: skip
    return beneficiary


def remove_beneficiary(user, beneficiary: Beneficiary, *, note: str) -> None:
    """Undo a wrong household link; the history keeps that it existed (household by UUID only)."""
    allocation = beneficiary.allocation
    _require_village_editor(user, allocation.dusun)
    note = _reason(note)
    with transaction.atomic():
        _history(user, allocation.payment.scheme_id, LedgerEdit.Kind.BENEFICIARY, LedgerEdit.Action.REMOVE,
                 beneficiary.pk, dusun=allocation.dusun, old=f"KK {beneficiary.household.uuid}", note=note)  # fmt: skip
        beneficiary.delete()


# ---------------------------------------------------------------------------------------------------------
# Alert thresholds
# ---------------------------------------------------------------------------------------------------------


def set_alert_thresholds(user, *, loss_pct, min_ha, note: str) -> AlertThreshold:
    """A new version of the thresholds (the older rows stay as history); kabupaten admin only."""
    if not can_edit(user, kabupaten()):
        raise PermissionDenied(_("Hanya admin kabupaten yang dapat mengubah ambang peringatan."))
    try:
        pct, ha = Decimal(str(loss_pct)), Decimal(str(min_ha))
    except ArithmeticError:
        raise LedgerError(_("Ambang harus berupa angka, mis. 5 atau 2,5.")) from None
    if not 0 <= pct <= 100:
        raise LedgerError(_("Ambang persen harus antara 0 dan 100 (diterima: %(v)s).") % {"v": pct})
    if ha < 0:
        raise LedgerError(_("Ambang luas minimal tidak boleh negatif (diterima: %(v)s ha).") % {"v": ha})
    if not (note or "").strip():
        raise LedgerError(_("Tuliskan alasan perubahan ambang."))
    return AlertThreshold.objects.create(loss_pct=pct, min_ha=ha, note=note.strip()[:300], user=user)
