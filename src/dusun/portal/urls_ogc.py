"""/ogc/ — OGC API – Features (Part 1 Core, GeoJSON, CRS84) for the public layers."""

app_name = "ogc"
urlpatterns: list = []
