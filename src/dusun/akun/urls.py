from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "akun"
urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(template_name="akun/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("token/", views.token_list, name="tokens"),
    path("token/<int:pk>/cabut/", views.token_revoke, name="token_revoke"),
]
