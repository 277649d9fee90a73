"""The geography of the shipped profiles places points: district headquarters, state outlines."""

from __future__ import annotations

import shutil

import pytest
import yaml

from nivaran.geo.models import Area, AreaType
from nivaran.geo.selectors import LocationOutsideState, area_at, ring_contains
from nivaran.profiles import loader
from nivaran.profiles.loader import ProfileError, load_profile
from nivaran.profiles.services import profile_apply

# A place just across each state's border: a neighbour's city.
NEIGHBOURS = {
    "haryana": (28.61, 77.21),  # New Delhi
    "west_bengal": (23.81, 90.41),  # Dhaka
    "uttarakhand": (31.10, 77.17),  # Shimla
    "madhya_pradesh": (21.15, 79.09),  # Nagpur
}


def test_ray_casting_on_a_square_and_a_notch():
    square = [[0, 0], [0, 10], [10, 10], [10, 0]]
    assert ring_contains(square, latitude=5, longitude=5)
    assert not ring_contains(square, latitude=5, longitude=11)
    assert not ring_contains(square, latitude=-1, longitude=5)
    # A U shape: the notch between its arms is outside.
    u_shape = [[0, 0], [10, 0], [10, 3], [2, 3], [2, 7], [10, 7], [10, 10], [0, 10]]
    assert ring_contains(u_shape, latitude=5, longitude=1)
    assert not ring_contains(u_shape, latitude=5, longitude=5)
    assert ring_contains(u_shape, latitude=1, longitude=5)  # the base


@pytest.mark.parametrize("name", sorted(NEIGHBOURS))
@pytest.mark.django_db
def test_every_district_has_its_headquarters_inside_the_state_outline(name, settings):
    settings.NIVARAN_PROFILE = name
    profile_apply(load_profile(name))
    state = Area.objects.get(type=AreaType.STATE)
    assert state.boundary is not None
    assert len(state.boundary) >= 12
    districts = list(Area.objects.filter(type=AreaType.DISTRICT))
    assert districts
    for district in districts:
        assert district.latitude is not None and district.longitude is not None, district.code
        # Its own headquarters is nearest to itself: the district is found from it.
        assert area_at(latitude=district.latitude, longitude=district.longitude) == district
    with pytest.raises(LocationOutsideState):
        area_at(latitude=NEIGHBOURS[name][0], longitude=NEIGHBOURS[name][1])


@pytest.mark.django_db
def test_a_profile_placing_a_district_outside_its_state_is_refused(tmp_path, monkeypatch):
    shutil.copytree(loader.DATA_DIR / "haryana", tmp_path / "haryana")
    path = tmp_path / "haryana" / "geography.yaml"
    geography = yaml.safe_load(path.read_text(encoding="utf-8"))
    geography["districts"][0]["point"] = [28.61, 77.21]  # Ambala's headquarters in Delhi
    path.write_text(yaml.safe_dump(geography, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    load_profile.cache_clear()
    with pytest.raises(ProfileError, match=r"HR-AMB.*outside the boundary of HR"):
        profile_apply(load_profile("haryana"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"point": [30.4]}, "point must be"),
        ({"point": [95.0, 76.8]}, "latitude"),
        ({"boundary": [[30.0, 76.0], [30.1, 76.1]]}, "boundary"),
    ],
)
@pytest.mark.django_db
def test_a_malformed_point_or_boundary_is_refused(change, message, tmp_path, monkeypatch):
    shutil.copytree(loader.DATA_DIR / "haryana", tmp_path / "haryana")
    path = tmp_path / "haryana" / "geography.yaml"
    geography = yaml.safe_load(path.read_text(encoding="utf-8"))
    geography["districts"][1].update(change)
    path.write_text(yaml.safe_dump(geography, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    load_profile.cache_clear()
    with pytest.raises(ProfileError, match=message):
        profile_apply(load_profile("haryana"))
