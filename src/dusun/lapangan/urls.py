"""URLs of the lapangan module."""

app_name = "lapangan"
urlpatterns = []
