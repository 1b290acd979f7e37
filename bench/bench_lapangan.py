"""Field collection (OpenRosa) under the load of a big village.

1. The household list a phone downloads (`keluarga.csv` in the census manifest) for a village of 3,000
   households; target ≤ 300 ms. Reference: `/healthz` through the same stack.
2. `POST /submission` of a census submission with a 1 MB photo (parse with defusedxml, checks, store);
   target ≤ 150 ms. Reference: `HEAD /submission` (authentication and headers only).
3. The review queue page of that village with 1,000 pending submissions; target ≤ 300 ms.
   Reference: `/healthz`.

Everything is created inside one transaction that is rolled back at the end (photos go to a temporary
MEDIA_ROOT): the development database is left as it was. Needs `manage.py load_wilayah`.
"""

import tempfile
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

from bench.timing import ms, p50, timed

HOUSEHOLDS = 3000
QUEUE = 1000
KODE = "15.08.14.2009"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * (1024 * 1024)


class Rollback(Exception):
    pass


def run() -> list[str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, ALLOWED_HOSTS=["*"]):
        try:
            with transaction.atomic():
                lines += _run()
                raise Rollback
        except Rollback:
            pass
    return lines


def _submission(n: int) -> str:
    from dusun.lapangan.xlsforms import FORM_VERSIONS

    version = FORM_VERSIONS["dusun_sensus_keluarga"]
    return (
        f'<data id="dusun_sensus_keluarga" version="{version}"><mode>baru</mode><kk>{9900000000000000 + n}</kk>'
        f"<alamat>Jalan {n}</alamat><lokasi>-1.6 102.0 0 5</lokasi><foto_rumah>r{n}.jpg</foto_rumah>"
        f"<meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>"
    )


def _run() -> list[str]:
    from django.core.management import call_command

    from dusun.akun.models import Role, User
    from dusun.akun.services import assign_role
    from dusun.lapangan import services
    from dusun.lapangan.models import Formulir, Kiriman
    from dusun.warga.models import Household
    from dusun.wilayah.models import Wilayah

    call_command("load_formulir", verbosity=0)
    village = Wilayah.objects.get(kode=KODE)
    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}", password=None)
    assign_role(user, Role.OPERATOR, village)
    Household.objects.bulk_create(
        Household(dusun=village, kk_number=f"{9800000000000000 + n}", address=f"Jalan Bench {n}")
        for n in range(HOUSEHOLDS)
    )
    device, token = services.create_device(user, village, "bench")
    census = Formulir.objects.filter(form_id="dusun_sensus_keluarga").latest("created_at")
    client = Client()
    headers = {"X-OpenRosa-Version": "1.0"}
    base = f"/lapangan/odk/{token}"
    lines = []

    def health():
        assert client.get("/healthz").status_code == 200

    def media():
        response = client.get(f"{base}/formulir/{census.pk}/media/keluarga.csv", headers=headers)
        assert response.status_code == 200 and response.content.count(b"\n") > HOUSEHOLDS

    ref, got = p50(timed(health, repeat=9)), p50(timed(media, repeat=9))
    lines.append(f"keluarga.csv, {HOUSEHOLDS} KK: p50 {ms(got)} (target ≤ 300 ms); /healthz {ms(ref)}; "
                 f"ratio {got / ref:.1f}×")  # fmt: skip

    counter = iter(range(10**6))

    def head():
        assert client.head(f"{base}/submission", headers=headers).status_code == 204

    def post():
        n = next(counter)
        data = {
            "xml_submission_file": SimpleUploadedFile("s.xml", _submission(n).encode(), "text/xml"),
            "photo": SimpleUploadedFile(f"r{n}.jpg", JPEG, "image/jpeg"),
        }
        assert client.post(f"{base}/submission", data, headers=headers).status_code == 201

    ref, got = p50(timed(head, repeat=9)), p50(timed(post, repeat=9))
    lines.append(f"POST /submission, 1 MB photo: p50 {ms(got)} (target ≤ 150 ms); HEAD {ms(ref)}; "
                 f"ratio {got / ref:.1f}×")  # fmt: skip

    Kiriman.objects.bulk_create(
        Kiriman(
            instance_id=f"uuid:{uuid.uuid4()}", formulir=census, perangkat=device, dusun=village,
            xml="<data/>", xml_sha256="0" * 64, data={"mode": "baru"}, expected_files=[],
        )
        for _ in range(QUEUE)
    )  # fmt: skip
    client.force_login(user)

    def queue():
        assert client.get(f"/lapangan/dusun/{KODE}/").status_code == 200

    ref, got = p50(timed(health, repeat=7)), p50(timed(queue, repeat=7))
    lines.append(f"review queue, {QUEUE} pending: p50 {ms(got)} (target ≤ 300 ms); /healthz {ms(ref)}; "
                 f"ratio {got / ref:.1f}×")  # fmt: skip
    return lines
