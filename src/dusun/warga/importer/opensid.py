"""OpenSID's resident export (`Penduduk` → Ekspor; the same columns as its import template
`contoh_penduduk.xlsx`), so villages already on OpenSID can move over.

OpenSID writes one row per person with the family on every row (no_kk, alamat and OpenSID's own
"dusun"/"rw"/"rt" — in Bungo its "dusun" is the kampung inside the village). Coded columns hold the
SIAK/Dukcapil ids of OpenSID's reference tables (app/Enums/*Enum.php in OpenSID); a label ("ISLAM",
"KEPALA KELUARGA") is accepted as well. Columns Dusun Online does not keep (parents' names, blood type,
passport, KB method…) are ignored and listed as such in the report.
"""

from .. import choices as c
from .columns import Column

SEX = {"1": c.Sex.LAKI, "2": c.Sex.PEREMPUAN}
RELIGION = {
    "1": c.Religion.ISLAM,
    "2": c.Religion.KRISTEN,
    "3": c.Religion.KATOLIK,
    "4": c.Religion.HINDU,
    "5": c.Religion.BUDDHA,
    "6": c.Religion.KHONGHUCU,
    "7": c.Religion.KEPERCAYAAN,
}
EDUCATION = {
    "1": c.Education.TIDAK_SEKOLAH,
    "2": c.Education.BELUM_TAMAT_SD,
    "3": c.Education.SD,
    "4": c.Education.SMP,
    "5": c.Education.SMA,
    "6": c.Education.D1_D2,
    "7": c.Education.D3,
    "8": c.Education.S1,
    "9": c.Education.S2,
    "10": c.Education.S3,
}
ENROLMENT = {
    "1": c.Enrolment.TIDAK,
    "2": c.Enrolment.PAUD,
    "3": c.Enrolment.TIDAK,
    "4": c.Enrolment.SD,
    "5": c.Enrolment.TIDAK,
    "6": c.Enrolment.SMP,
    "7": c.Enrolment.SMA,
    **{str(i): c.Enrolment.PT for i in range(8, 14)},
    **{str(i): c.Enrolment.SLB for i in range(14, 17)},
    "17": c.Enrolment.TIDAK,
    "18": c.Enrolment.TIDAK,
}
MARITAL = {
    "1": c.MaritalStatus.BELUM,
    "2": c.MaritalStatus.KAWIN,
    "3": c.MaritalStatus.CERAI_HIDUP,
    "4": c.MaritalStatus.CERAI_MATI,
}
RELATIONSHIP = {
    "1": c.Relationship.KEPALA,
    "2": c.Relationship.SUAMI,
    "3": c.Relationship.ISTRI,
    "4": c.Relationship.ANAK,
    "5": c.Relationship.MENANTU,
    "6": c.Relationship.CUCU,
    "7": c.Relationship.ORANG_TUA,
    "8": c.Relationship.MERTUA,
    "9": c.Relationship.FAMILI,
    "10": c.Relationship.PEMBANTU,
    "11": c.Relationship.LAINNYA,
}
CITIZENSHIP = {"1": c.Citizenship.WNI, "2": c.Citizenship.WNA, "3": c.Citizenship.WNA}
DISABILITY = {
    "1": c.Disability.FISIK,
    "2": c.Disability.NETRA,
    "3": c.Disability.RUNGU_WICARA,
    "4": c.Disability.MENTAL,
    "5": c.Disability.GANDA,
    "6": c.Disability.LAINNYA,
    "7": c.Disability.TIDAK,
}
STATUS = {
    "1": c.ResidentStatus.AKTIF,
    "2": c.ResidentStatus.MENINGGAL,
    "3": c.ResidentStatus.PINDAH,
    "4": c.ResidentStatus.HILANG,
    "5": c.ResidentStatus.PINDAH,
}
INSURANCE = {
    "1": c.HealthInsurance.TIDAK,
    "2": c.HealthInsurance.PBI,
    "3": c.HealthInsurance.MANDIRI,
    "4": c.HealthInsurance.PBI_DAERAH,
    "99": c.HealthInsurance.LAINNYA,
}
_O = c.Occupation
OCCUPATION = {
    "1": _O.BELUM_BEKERJA,
    "2": _O.MENGURUS_RT,
    "3": _O.PELAJAR,
    "4": _O.PENSIUNAN,
    "5": _O.ASN,
    "6": _O.TNI_POLRI,
    "7": _O.TNI_POLRI,
    "8": _O.PEDAGANG,
    "9": _O.PETANI,
    "10": _O.PETERNAK,
    "11": _O.NELAYAN,
    "12": _O.LAINNYA,
    "13": _O.TUKANG,
    "14": _O.SOPIR,
    "15": _O.KARYAWAN,
    "16": _O.KARYAWAN,
    "17": _O.KARYAWAN,
    "18": _O.HONORER,
    "19": _O.BURUH_LEPAS,
    "20": _O.BURUH_TANI,
    "21": _O.NELAYAN,
    "22": _O.PETERNAK,
    "23": _O.LAINNYA,
    **{str(i): _O.TUKANG for i in range(24, 36)},
    **{str(i): _O.LAINNYA for i in range(36, 41)},
    "41": _O.PEMUKA_AGAMA,
    "42": _O.PEMUKA_AGAMA,
    "43": _O.PEMUKA_AGAMA,
    "44": _O.LAINNYA,
    "45": _O.PEMUKA_AGAMA,
    "46": _O.LAINNYA,
    "47": _O.LAINNYA,
    **{str(i): _O.ASN for i in range(48, 64)},
    "64": _O.GURU,
    "65": _O.GURU,
    **{str(i): _O.LAINNYA for i in range(66, 72)},
    **{str(i): _O.NAKES for i in range(72, 77)},
    "77": _O.LAINNYA,
    "78": _O.LAINNYA,
    "79": _O.LAINNYA,
    "80": _O.LAINNYA,
    "81": _O.SOPIR,
    "82": _O.LAINNYA,
    "83": _O.LAINNYA,
    "84": _O.PEDAGANG,
    "85": _O.PERANGKAT_DESA,
    "86": _O.PERANGKAT_DESA,
    "87": _O.PEMUKA_AGAMA,
    "88": _O.WIRASWASTA,
    "89": _O.LAINNYA,
}

# OpenSID header → (our field, kind, id map). Households come from no_kk/alamat/dusun/rt of each row.
RESIDENT_COLUMNS = [
    Column("nik", "nik", "nik", required=True),
    Column("no_kk", "kk_number", "kk", required=True),
    Column("nama", "name", "text", required=True, max_length=120),
    Column("sex", "sex", "choice", required=True, choices=c.Sex),
    Column("tempatlahir", "birth_place", "text", max_length=80),
    Column("tanggallahir", "birth_date", "date", required=True),
    Column("kk_level", "relationship", "choice", required=True, choices=c.Relationship),
    Column("agama_id", "religion", "choice", choices=c.Religion),
    Column("status_kawin", "marital_status", "choice", choices=c.MaritalStatus),
    Column("pendidikan_kk_id", "education", "choice", choices=c.Education),
    Column("pendidikan_sedang_id", "enrolment", "choice", choices=c.Enrolment),
    Column("pekerjaan_id", "occupation", "choice", choices=c.Occupation),
    Column("cacat_id", "disability", "choice", choices=c.Disability),
    Column("id_asuransi", "health_insurance", "choice", choices=c.HealthInsurance),
    Column("warganegara_id", "citizenship", "choice", choices=c.Citizenship),
    Column("status_dasar", "status", "choice", choices=c.ResidentStatus),
]
HOUSEHOLD_COLUMNS = [
    Column("no_kk", "kk_number", "kk", required=True),
    Column("alamat", "address", "text", max_length=200),
    Column("dusun", "kampung", "text", max_length=60),
    Column("rt", "rt", "rt"),
]
ID_MAPS = {
    "sex": SEX,
    "religion": RELIGION,
    "education": EDUCATION,
    "enrolment": ENROLMENT,
    "marital_status": MARITAL,
    "relationship": RELATIONSHIP,
    "citizenship": CITIZENSHIP,
    "disability": DISABILITY,
    "status": STATUS,
    "health_insurance": INSURANCE,
    "occupation": OCCUPATION,
}
# Labels OpenSID prints instead of ids in some exports.
LABELS = {
    "occupation": {
        "petani pekebun": _O.PETANI,
        "buruh tani perkebunan": _O.BURUH_TANI,
        "mengurus rumah tangga": _O.MENGURUS_RT,
        "pelajar mahasiswa": _O.PELAJAR,
        "belum tidak bekerja": _O.BELUM_BEKERJA,
        "wiraswasta": _O.WIRASWASTA,
    },
    "education": {
        "tidak belum sekolah": c.Education.TIDAK_SEKOLAH,
        "belum tamat sd sederajat": c.Education.BELUM_TAMAT_SD,
        "tamat sd sederajat": c.Education.SD,
        "sltp sederajat": c.Education.SMP,
        "slta sederajat": c.Education.SMA,
        "diploma i ii": c.Education.D1_D2,
        "akademi diploma iii s muda": c.Education.D3,
        "diploma iv strata i": c.Education.S1,
        "strata ii": c.Education.S2,
        "strata iii": c.Education.S3,
    },
    "disability": {"tidak cacat": c.Disability.TIDAK, "cacat fisik": c.Disability.FISIK},
    "health_insurance": {
        "tidak belum punya": c.HealthInsurance.TIDAK,
        "bpjs penerima bantuan iuran": c.HealthInsurance.PBI,
        "bpjs non penerima bantuan iuran": c.HealthInsurance.MANDIRI,
    },
}
SIGNATURE = {"nik", "no kk", "kk level", "tanggallahir"}  # headers that identify an OpenSID file
