from django.urls import path, register_converter

from . import views


class KodeConverter:
    """A dotted Kemendagri code (digits and dots; sub-units may add letters)."""

    regex = r"[0-9]{2}(\.[0-9A-Z-]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KodeConverter, "kode")

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("kecamatan/<kode:kode>/", views.kecamatan_detail, name="kecamatan"),
    path("dusun/<kode:kode>/", views.village_detail, name="village"),
    path("dusun/<kode:kode>/profil/ubah/", views.village_profile_edit, name="village-profile-edit"),
    path("dusun/<kode:kode>/profil.pdf", views.village_profile_pdf, name="village-profile-pdf"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
