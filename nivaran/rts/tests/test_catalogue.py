"""The notified services catalogue (H1): imported from CSV all or nothing, with every bad
row named; loaded with a profile that turns Right to Service on; listed by the API."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from nivaran.geo.models import Area
from nivaran.profiles.loader import ProfileError, load_profile
from nivaran.profiles.services import profile_apply
from nivaran.rts.importing import import_notified_services
from nivaran.rts.models import NotifiedService

HEADER = (
    "code,department,name,name_hi,time_limit_days,designated_officer,first_appellate,"
    "first_appeal_days,second_appellate,second_appeal_days\n"
)
CASTE = (
    "HR-REV-CASTE,REV,Issue of caste certificate,जाति प्रमाण पत्र जारी करना,15,tehsildar,"
    "district_revenue_officer,30,district_magistrate,30\n"
)
FARD = (
    'HR-REV-FARD,REV,"Certified copy of the record of rights (Jamabandi, Girdawri)",'
    "जमाबंदी की सत्यापित प्रति,1,tehsildar,district_revenue_officer,30,district_magistrate,30\n"
)
LIST = "/api/v1/rts/services/"


def client_for(world, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[username])
    return client


def test_a_catalogue_is_imported_and_a_second_import_updates_only_what_changed(world):
    report = import_notified_services(HEADER + CASTE + FARD)
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    fard = NotifiedService.objects.get(code="HR-REV-FARD")
    assert fard.name == "Certified copy of the record of rights (Jamabandi, Girdawri)"
    assert fard.name_hi == "जमाबंदी की सत्यापित प्रति"
    assert (fard.department.code, fard.time_limit_days) == ("REV", 1)
    assert (fard.designated_officer.code, fard.first_appellate.code) == (
        "tehsildar",
        "district_revenue_officer",
    )
    assert (fard.second_appellate.code, fard.first_appeal_days, fard.second_appeal_days) == (
        "district_magistrate",
        30,
        30,
    )
    again = import_notified_services(HEADER + CASTE.replace(",15,", ",21,") + FARD)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert NotifiedService.objects.get(code="HR-REV-CASTE").time_limit_days == 21


def test_every_bad_row_is_named_and_nothing_is_imported(world):
    text = (
        HEADER
        + CASTE
        + "bad code,REV,x,,15,tehsildar,district_revenue_officer,30,district_magistrate,30\n"
        + "HR-X,NOPE,Something,,0,tehsildar,district_revenue_officer,30,district_magistrate,x\n"
        + "HR-Y,REV,Swapped,,7,district_magistrate,district_revenue_officer,30,tehsildar,30\n"
        + "HR-Z,REV,,,7,clerk,district_revenue_officer,30,district_magistrate,30\n"
        + CASTE
        + "HR-W,REV,Too many,,7,tehsildar,district_revenue_officer,30,district_magistrate,30,x\n"
    )
    report = import_notified_services(text)
    found = {(e.line, e.column) for e in report.errors}
    assert found == {
        (3, "code"),
        (4, "department"),
        (4, "time_limit_days"),
        (4, "second_appeal_days"),
        (5, "first_appellate"),
        (5, "second_appellate"),
        (6, "name"),
        (6, "designated_officer"),
        (7, "code"),  # the same code as line 2
        (8, ""),  # more fields than the header
    }
    assert not NotifiedService.objects.exists()  # not even line 2, which was good
    assert "line 5, first_appellate: must be senior to the designated officer" in {
        str(e) for e in report.errors
    }


def test_active_withdraws_a_service_and_an_empty_cell_keeps_what_it_was(world):
    with_active = HEADER.replace("\n", ",active\n")
    import_notified_services(with_active + CASTE.replace("\n", ",no\n") + FARD.replace("\n", ",\n"))
    assert dict(NotifiedService.objects.values_list("code", "is_active")) == {
        "HR-REV-CASTE": False,
        "HR-REV-FARD": True,  # new and empty: active
    }
    again = import_notified_services(HEADER + CASTE + FARD)  # no active column
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert not NotifiedService.objects.get(code="HR-REV-CASTE").is_active
    import_notified_services(with_active + CASTE.replace("\n", ",Yes\n"))
    assert NotifiedService.objects.get(code="HR-REV-CASTE").is_active
    bad = import_notified_services(with_active + CASTE.replace("\n", ",perhaps\n"))
    assert [(e.line, e.column, e.message) for e in bad.errors] == [(2, "active", "yes or no")]


def test_rows_are_named_by_their_first_line_in_the_file(world):
    spanning = CASTE.replace("Issue of caste certificate", '"Issue of caste\ncertificate"')
    text = "\ufeff" + HEADER + spanning + "\n" + CASTE.replace("tehsildar,", "clerk,", 1)
    report = import_notified_services(text)  # a BOM, a name over two lines, a blank line
    assert [(e.line, e.column) for e in report.errors] == [(5, "designated_officer"), (5, "code")]
    assert "also on line 2" in str(report.errors[1])


@pytest.mark.parametrize(
    "text",
    [
        "",
        HEADER,
        "code,department,name\nHR-A,REV,A\n",
        HEADER.replace("\n", ",colour\n") + CASTE.replace("\n", ",red\n"),
        HEADER.replace("\n", ",name\n") + CASTE.replace("\n", ",Another name\n"),
        HEADER.replace("\n", ",\n") + CASTE.replace("\n", ",\n"),
    ],
)
def test_a_file_without_the_catalogue_s_columns_or_rows_is_refused(world, text):
    report = import_notified_services(text)
    assert [e.line for e in report.errors] == [1]
    assert not NotifiedService.objects.exists()


def test_the_command_imports_or_names_the_errors(world, tmp_path):
    good = tmp_path / "services.csv"
    good.write_text(HEADER + CASTE, encoding="utf-8-sig")  # as Excel saves it: a BOM
    out = StringIO()
    call_command("import_notified_services", str(good), stdout=out)
    assert "1 services created, 0 updated, 0 unchanged." in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + CASTE.replace("tehsildar", "clerk"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 errors: nothing was imported"):
        call_command("import_notified_services", str(bad), stderr=err)
    assert "line 2, designated_officer: no designation 'clerk'" in err.getvalue()
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + CASTE).encode("utf-8").replace("जाति".encode(), b"\xe0\xff"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_notified_services", str(latin))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_notified_services", str(tmp_path / "missing.csv"))
    assert NotifiedService.objects.get().time_limit_days == 15


def test_the_api_lists_the_catalogue_to_any_signed_in_user(world):
    import_notified_services(
        HEADER
        + CASTE
        + FARD
        + "HR-PWR-NEW,PWR,New electricity connection,नया बिजली कनेक्शन,30,junior_engineer,"
        "tehsildar,30,district_magistrate,30\n"
    )
    NotifiedService.objects.filter(code="HR-REV-FARD").update(is_active=False)
    for user in ("citizen", "officer_l1", "telecaller", "cmo"):
        body = client_for(world, user).get(LIST).json()
        assert [s["code"] for s in body["results"]] == ["HR-PWR-NEW", "HR-REV-CASTE"], user
    caste = client_for(world, "citizen").get(LIST, {"department": "REV"}).json()["results"]
    assert caste == [
        {
            "code": "HR-REV-CASTE",
            "name": "Issue of caste certificate",
            "name_hi": "जाति प्रमाण पत्र जारी करना",
            "department": {"code": "REV", "name": "Revenue", "name_hi": "राजस्व"},
            "time_limit_days": 15,
            "designated_officer": {"code": "tehsildar", "name": "Tehsildar", "name_hi": ""},
            "first_appellate": {
                "code": "district_revenue_officer",
                "name": "District Revenue Officer",
                "name_hi": "",
            },
            "first_appeal_days": 30,
            "second_appellate": {
                "code": "district_magistrate",
                "name": "District Magistrate",
                "name_hi": "",
            },
            "second_appeal_days": 30,
        }
    ]
    by_hindi = client_for(world, "citizen").get(LIST, {"q": "बिजली"}).json()["results"]
    assert [s["code"] for s in by_hindi] == ["HR-PWR-NEW"]
    assert client_for(world, "citizen").get(LIST, {"q": "x" * 101}).status_code == 400
    blank = client_for(world, "citizen").get(LIST, {"q": "", "department": ""})
    assert blank.json()["count"] == 2
    unknown = client_for(world, "citizen").get(LIST, {"department": "NOPE"})
    assert unknown.status_code == 400 and "department" in unknown.json()["fields"]
    assert client_for(world, "citizen").get(LIST, {"page": 9}).status_code == 404
    assert APIClient().get(LIST).status_code in {401, 403}


def test_haryana_loads_its_catalogue_with_its_profile(db):
    profile_apply(load_profile("haryana"))
    services = list(NotifiedService.objects.select_related("department"))
    assert len(services) == 33
    assert all(s.name and s.name_hi and s.is_active for s in services)
    assert {s.department.code for s in services} == {"REV", "PWR", "ULB", "WTR", "EDU"}
    NotifiedService.objects.filter(code="HR-REV-FARD-COPY").update(is_active=False)
    profile_apply(load_profile("haryana"))  # again: nothing doubles, a withdrawal stays
    assert NotifiedService.objects.count() == 33
    assert not NotifiedService.objects.get(code="HR-REV-FARD-COPY").is_active


@pytest.fixture
def copied_haryana(tmp_path, monkeypatch) -> Path:
    """The Haryana profile copied to a folder of profiles of its own, to be spoilt."""
    from nivaran.profiles import loader

    folder: Path = tmp_path / "haryana"
    shutil.copytree(loader.DATA_DIR / "haryana", folder)
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    load_profile.cache_clear()
    return folder


def test_a_bad_catalogue_undoes_the_whole_profile_load(db, copied_haryana):
    catalogue = copied_haryana / "notified_services.csv"
    lines = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",REV,", ",NOPE,", 1)
    catalogue.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"notified_services\.csv: line 4, department"):
        profile_apply(load_profile("haryana"))
    assert not Area.objects.exists() and not NotifiedService.objects.exists()


def test_a_profile_that_turns_it_on_needs_its_act_and_its_catalogue(copied_haryana):
    (copied_haryana / "notified_services.csv").unlink()
    with pytest.raises(ProfileError, match=r"no catalogue notified_services\.csv"):
        load_profile("haryana")
    load_profile.cache_clear()
    profile_yaml = copied_haryana / "profile.yaml"
    text = profile_yaml.read_text(encoding="utf-8")
    profile_yaml.write_text(text.replace("right_to_service:", "right_to_service:\n  colour: red"))
    with pytest.raises(ProfileError, match="unknown keys"):
        load_profile("haryana")
    load_profile.cache_clear()
    profile_yaml.write_text(text.replace("days: working_days", "days: fortnights"))
    with pytest.raises(ProfileError, match=r"right_to_service\.days"):
        load_profile("haryana")
    load_profile.cache_clear()
    profile_yaml.write_text(text.replace("  enabled: true\n  act:", "  enabled: false\n  act:"))
    with pytest.raises(ProfileError, match=r"auto_appeal_rts .* needs right_to_service"):
        load_profile("haryana")  # Haryana's rules send grievances to the AAS


def test_without_right_to_service_the_catalogue_is_empty_and_not_imported(
    world, tmp_path, settings
):
    import_notified_services(HEADER + CASTE)
    settings.NIVARAN_PROFILE = "west_bengal"  # a profile that does not turn it on
    load_profile.cache_clear()
    assert client_for(world, "citizen").get(LIST).json()["results"] == []
    catalogue = tmp_path / "services.csv"
    catalogue.write_text(HEADER + FARD, encoding="utf-8")
    with pytest.raises(CommandError, match="does not turn Right to Service on"):
        call_command("import_notified_services", str(catalogue))
    assert list(NotifiedService.objects.values_list("code", flat=True)) == ["HR-REV-CASTE"]


def test_the_admin_refuses_an_authority_junior_to_the_officer_below(world, client):
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    import_notified_services(HEADER + CASTE)
    service = NotifiedService.objects.get()
    page = f"/admin/rts/notifiedservice/{service.pk}/change/"
    form = {
        "code": service.code,
        "department": service.department_id,
        "name": service.name,
        "name_hi": service.name_hi,
        "time_limit_days": 15,
        "designated_officer": service.first_appellate_id,  # swapped with the first appellate
        "first_appellate": service.designated_officer_id,
        "first_appeal_days": 30,
        "second_appellate": service.second_appellate_id,
        "second_appeal_days": 30,
        "is_active": "on",
    }
    response = client.post(page, form)
    assert response.status_code == 200  # the form again, with the error
    assert "must be senior to the designated officer" in response.content.decode()
    service.refresh_from_db()
    assert service.designated_officer.code == "tehsildar"
