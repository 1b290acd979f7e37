"""Open data downloads, thematic (choropleth) maps and village comparison on the kabupaten portal."""

app_name = "opendata"
urlpatterns: list = []
