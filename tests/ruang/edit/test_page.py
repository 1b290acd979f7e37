"""The editor page: layer chooser, the attribute form generated from the layer's schema, its config."""

import json

import pytest

from dusun.ruang.layers import LAYERS
from dusun.ruang.models import LandCoverSnapshot, Legend

from .conftest import TELANG, client_for

pytestmark = pytest.mark.django_db


def config_of(response) -> dict:
    content = response.content.decode()
    start = content.index('<script id="editor-config" type="application/json">') + len(
        '<script id="editor-config" type="application/json">'
    )
    return json.loads(content[start : content.index("</script>", start)])


@pytest.mark.parametrize("layer", list(LAYERS))
def test_every_layer_opens_with_its_attributes_and_drawing_tools(operator, snapshot, layer):
    response = client_for(operator).get(f"/dusun/{TELANG}/peta/sunting/", {"lapisan": layer})
    assert response.status_code == 200
    content = response.content.decode()
    spec = LAYERS[layer]
    for field in spec.attribute_fields:
        assert f'name="{field.name}"' in content, field.name
    config = config_of(response)
    assert config["layer"] == layer and config["dusun"] == TELANG
    assert config["urls"]["list"].startswith(f"/api/v1/ruang/{layer}/?dusun={TELANG}")
    assert config["boundary"]["features"][0]["geometry"]["type"] == "MultiPolygon"
    expected_tools = {"Point": "Titik", "LineString": "Garis", "Polygon": "Poligon"}
    for geometry_type, label in expected_tools.items():
        shown = f'data-mode="{geometry_type.lower()}"' in content or f">{label}</button>" in content
        assert shown == (geometry_type in spec.geometry_types), (layer, geometry_type)


def test_land_cover_form_offers_the_classes_of_the_chosen_snapshot_only(operator, snapshot):
    klhk = LandCoverSnapshot.objects.create(year=2020, legend=Legend.objects.get(code="klhk-23"), name="KLHK")
    response = client_for(operator).get(f"/dusun/{TELANG}/peta/sunting/", {"potret": klhk.pk})
    form = response.context["form"]
    assert set(form.fields["klass"].queryset.values_list("legend__code", flat=True)) == {"klhk-23"}
    assert f'value="{klhk.pk}"' in response.content.decode()
    assert config_of(response)["snapshot"] == klhk.pk
    assert set(config_of(response)["classColours"]) == {
        str(pk) for pk in klhk.legend.classes.values_list("pk", flat=True)
    }
    # Without a choice, the newest snapshot is used.
    assert config_of(client_for(operator).get(f"/dusun/{TELANG}/peta/sunting/"))["snapshot"] == snapshot.pk


def test_land_cover_without_any_snapshot_explains_what_to_do(operator):
    response = client_for(operator).get(f"/dusun/{TELANG}/peta/sunting/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Belum ada potret tutupan lahan" in content and "editor-config" not in content


def test_unknown_layer_or_village_is_404(operator):
    assert client_for(operator).get(f"/dusun/{TELANG}/peta/sunting/", {"lapisan": "kastil"}).status_code == 404
    assert client_for(operator).get("/dusun/99.99.99.9999/peta/sunting/").status_code == 404
    assert client_for(operator).get("/dusun/15.08.14/peta/sunting/").status_code == 404  # a kecamatan
