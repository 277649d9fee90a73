"""Clusters of similar complaints across districts (B4): the method on texts, then end to
end through the workflow's bulk intake, the detection run, the API and the page."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

import pytest
from django.test import Client
from rest_framework.test import APIClient

from nivaran.duplicates.labelled_topics import TOPICS, VILLAGES
from nivaran.duplicates.normalise import text_terms
from nivaran.grievances.models import Citizen, Grievance
from nivaran.grievances.workflow import BulkItem, grievances_register_bulk
from nivaran.profiles.loader import active_profile
from nivaran.systemic import clusters as clusters_module
from nivaran.systemic.clusters import ClusterParams, Text, _unique_topics, clusters
from nivaran.systemic.models import IssueKind, IssueStatus, SystemicIssue
from nivaran.systemic.services import issue_acknowledge, systemic_detect
from nivaran.systemic.tests.synthetic import TESTED_WEEK, many_cells, now, weeks_back

WEEKS = weeks_back(12)
TESTED = WEEKS[-4:]  # the window: the last four weeks
TRANSFORMER = TOPICS["power"][0]  # "the transformer burnt", in four ways
BACKGROUND = [TOPICS["power"][1], *TOPICS["road"], *TOPICS["drain"]]


def said(topic: tuple[str, ...], rng: random.Random) -> str:
    village = rng.choice(VILLAGES)
    return rng.choice(topic).format(v=village[0], vh=village[1])


def texts(plan: list[tuple[tuple[str, ...], date, str, int]], seed: int = 3) -> list[Text]:
    """`plan`: (topic, week, district, how many); the texts newest first, as read."""
    rng = random.Random(seed)
    out: list[Text] = []
    for topic, week, district, n in plan:
        for _ in range(n):
            out.append(
                Text(
                    terms=text_terms(said(topic, rng)),
                    week=week,
                    district=district,
                    number=f"N{len(out):04d}",
                )
            )
    return sorted(out, key=lambda t: t.week, reverse=True)


def steady(districts: list[str], per_week: int = 2) -> list[tuple[tuple[str, ...], date, str, int]]:
    return [(topic, w, d, per_week) for topic in BACKGROUND for w in WEEKS for d in districts]


DISTRICTS = [f"TS/TS-D{i}/" for i in range(6)]


def emerging(districts: list[str], weeks: list[date], n: int = 3):
    return [(TRANSFORMER, w, d, n) for w in weeks for d in districts]


# --- The method -----------------------------------------------------------------------


def test_a_topic_new_in_four_districts_for_three_weeks_is_one_cluster():
    found = clusters(
        7, texts(steady(DISTRICTS) + emerging(DISTRICTS[:4], TESTED[1:])), week=TESTED_WEEK
    )
    assert len(found) == 1
    cluster = found[0]
    assert cluster.category_id == 7
    assert {"transformer", "burnt"} <= set(cluster.terms)
    assert cluster.topic == " ".join(sorted(cluster.terms[:3]))
    assert cluster.count == 36  # 3 a week in 4 districts for 3 weeks, nothing else
    assert cluster.districts == dict.fromkeys(DISTRICTS[:4], 9)
    assert cluster.counts == [0] * 9 + [12, 12, 12]
    assert cluster.tested_weeks == TESTED
    assert cluster.p_value < 1e-6
    assert cluster.method == "text_cluster"
    assert len(cluster.samples) == 5


def test_the_four_ways_of_saying_it_meet_in_one_cluster():
    # English, English in other words, Hindi and Hinglish, one of each per district-week.
    plan = []
    for w in TESTED[1:]:
        for d in DISTRICTS[:4]:
            for way in TRANSFORMER:
                plan.append(((way,), w, d, 1))
    found = clusters(1, texts(steady(DISTRICTS) + plan), week=TESTED_WEEK)
    assert [f.count for f in found] == [48]


def test_steady_topics_are_no_cluster_however_common():
    # Every topic, the transformer too, as common in the window as in the baseline.
    plan = steady(DISTRICTS, per_week=3) + [
        (TRANSFORMER, w, d, 3) for w in WEEKS for d in DISTRICTS
    ]
    assert clusters(1, texts(plan), week=TESTED_WEEK) == []


def test_unrelated_texts_are_no_cluster():
    rng = random.Random(5)
    words = [f"w{i}x" for i in range(3000)]
    noise = [
        Text(
            terms=frozenset(rng.sample(words, 6)),
            week=rng.choice(TESTED),
            district=rng.choice(DISTRICTS),
            number="",
        )
        for _ in range(800)
    ]
    assert clusters(1, noise, week=TESTED_WEEK) == []


def test_a_topic_in_two_districts_is_not_across_areas():
    plan = steady(DISTRICTS) + emerging(DISTRICTS[:2], TESTED[1:], n=6)
    assert clusters(1, texts(plan), week=TESTED_WEEK) == []
    # Unless the profile's minimum says two districts are enough.
    found = clusters(
        1, texts(plan), week=TESTED_WEEK, cluster_params=ClusterParams(min_districts=2)
    )
    assert [f.count for f in found] == [36]


def test_one_busy_week_is_not_persistent():
    plan = steady(DISTRICTS) + emerging(DISTRICTS[:4], TESTED[-1:], n=9)
    assert clusters(1, texts(plan), week=TESTED_WEEK) == []


def test_beyond_the_limit_the_texts_kept_are_chosen_without_the_weeks():
    # Every text distinct (a word of its own, as real complaints have). Keeping the
    # newest 300 would keep the window's texts only, and steady topics would look new
    # against their own baseline; a subset by the terms' hash loses window and baseline
    # alike.
    distinct = [
        replace(t, terms=t.terms | {f"own{i}"})
        for i, t in enumerate(texts(steady(DISTRICTS, per_week=3)))
    ]
    assert len({t.terms for t in distinct}) == len(distinct) > 1000
    limited = ClusterParams(max_points=300)
    with patch.object(clusters_module.log, "warning") as warned:
        assert clusters(1, distinct, week=TESTED_WEEK, cluster_params=limited) == []
    assert warned.call_args.args[1:] == (1, 1080, 300)  # the type's texts were cut


def test_texts_outside_the_weeks_and_empty_texts_are_left_out():
    plan = steady(DISTRICTS) + emerging(DISTRICTS[:4], TESTED[1:])
    extra = [
        Text(
            terms=frozenset({"transformer", "burnt"}),
            week=TESTED_WEEK + timedelta(weeks=1),
            district=DISTRICTS[0],
            number="LATER",
        ),
        Text(terms=frozenset(), week=TESTED_WEEK, district=DISTRICTS[0], number="EMPTY"),
    ]
    found = clusters(1, extra + texts(plan), week=TESTED_WEEK)
    assert [f.count for f in found] == [36]
    assert not {"LATER", "EMPTY"} & set(found[0].samples)


# --- End to end ----------------------------------------------------------------------


def register(world, plan, areas_by_path, category, seed: int = 3) -> list[Grievance]:
    tz = active_profile().calendar.tz
    citizen, _ = Citizen.objects.get_or_create(
        name_key="ramesh kumar", mobile="9876543210", defaults={"name": "Ramesh Kumar"}
    )
    rng = random.Random(seed)
    items = []
    for topic, week, path, n in plan:
        for i in range(n):
            items.append(
                BulkItem(
                    citizen_id=citizen.pk,
                    category=category,
                    area=areas_by_path[path],
                    description=said(topic, rng),
                    channel="call_centre",
                    registered_at=datetime.combine(
                        week + timedelta(days=i % 7), time(11), tzinfo=tz
                    ),
                )
            )
    grievances_register_bulk(items=items, actor=world["telecaller"])
    return list(Grievance.objects.order_by("id"))


@pytest.fixture
def transformer_burnt(world):
    """Revenue's type (the world's `category`) in six districts: steady topics for twelve
    weeks, and "the transformer burnt" new in four of them for the last three weeks."""
    _, areas = many_cells(world, districts=6)
    by_path = {a.path: a for a in areas}
    paths = [a.path for a in areas]
    plan = [(t, w, d, 1) for t in BACKGROUND for w in WEEKS for d in paths] + emerging(
        paths[:4], TESTED[1:], n=2
    )
    register(world, plan, by_path, world.category)
    return areas


@pytest.mark.django_db
def test_detection_writes_the_cluster_with_its_evidence(world, transformer_burnt):
    before = list(Grievance.objects.values_list("id", "status", "level", "category_id"))
    result = systemic_detect(now=now())

    clusters_found = [i for i in result.issues if i.kind == IssueKind.CLUSTER]
    assert len(clusters_found) == 1
    issue = SystemicIssue.objects.get(kind=IssueKind.CLUSTER)
    assert issue.category_id == world.category.pk
    assert issue.department_id == world.category.department_id
    assert issue.district is None and issue.district_key == ""
    assert issue.area_path == "TS/"
    assert issue.week == TESTED_WEEK
    assert issue.count == 24
    assert {"transformer", "burnt"} <= set(issue.evidence["terms"])
    assert issue.topic == " ".join(sorted(issue.evidence["terms"][:3]))
    assert [d["code"] for d in issue.evidence["districts"]] == [
        a.code for a in sorted(transformer_burnt[:4], key=lambda a: a.path)
    ]
    assert {d["count"] for d in issue.evidence["districts"]} == {6}
    assert issue.evidence["counts"] == [0] * 9 + [8, 8, 8]  # its texts only
    # The samples are transformer complaints of the tested weeks.
    samples = Grievance.objects.filter(number__in=issue.sample_numbers)
    assert samples.count() == 5
    assert all(
        "transform" in g.description.lower() or "ट्रांसफार्मर" in g.description for g in samples
    )
    # Detection only read the grievances.
    assert list(Grievance.objects.values_list("id", "status", "level", "category_id")) == before


@pytest.mark.django_db
def test_a_rerun_updates_the_cluster_and_keeps_its_acknowledgement(world, transformer_burnt):
    systemic_detect(now=now())
    issue = SystemicIssue.objects.get(kind=IssueKind.CLUSTER)
    issue_acknowledge(actor=world["secretary"], issue_id=issue.pk, policy_note="Buy transformers.")

    again = systemic_detect(now=now() + timedelta(hours=1))

    assert again.created == 0
    assert SystemicIssue.objects.filter(kind=IssueKind.CLUSTER).count() == 1
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACKNOWLEDGED
    assert issue.last_seen > issue.first_seen


@pytest.mark.django_db
def test_steady_texts_raise_no_cluster(world):
    _, areas = many_cells(world, districts=6)
    by_path = {a.path: a for a in areas}
    plan = [(t, w, a.path, 1) for t in [*BACKGROUND, TRANSFORMER] for w in WEEKS for a in areas]
    register(world, plan, by_path, world.category)
    systemic_detect(now=now())
    assert not SystemicIssue.objects.filter(kind=IssueKind.CLUSTER).exists()


@pytest.mark.django_db
def test_a_young_platform_has_no_baseline_to_be_new_against(world):
    # Only the last three weeks hold grievances: everything would look new.
    _, areas = many_cells(world, districts=6)
    by_path = {a.path: a for a in areas}
    register(world, emerging([a.path for a in areas[:4]], TESTED[1:], n=2), by_path, world.category)
    systemic_detect(now=now())
    assert not SystemicIssue.objects.filter(kind=IssueKind.CLUSTER).exists()


LIST = "/api/v1/analytics/systemic-issues/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("secretary", True),  # Revenue's state-level posts: the cluster is statewide
        ("hod", True),
        ("cmo", True),
        ("officer_l1", False),  # Revenue in one district: not a statewide finding
        ("district", False),  # the DM
        ("power_je", False),  # another department
    ],
)
def test_the_cluster_is_seen_within_reach_only(world, transformer_burnt, username, sees):
    systemic_detect(now=now())
    client = APIClient()
    client.force_authenticate(world[username])
    rows = client.get(LIST, {"kind": "cluster"}).json()["results"]
    assert bool(rows) is sees
    if sees:
        (row,) = rows
        assert row["kind"] == "cluster"
        assert row["method"] == "text_cluster"
        assert row["district"] is None
        assert {"transformer", "burnt"} <= set(row["terms"])
        assert row["topic"]
        assert [d["count"] for d in row["districts"]] == [6, 6, 6, 6]
        assert len(row["sample_grievances"]) == 5


@pytest.mark.django_db
def test_the_page_shows_what_the_cluster_says_and_where(world, transformer_burnt):
    systemic_detect(now=now())
    client = Client()
    client.force_login(world["secretary"])
    page = client.get("/analytics/systemic/", {"kind": "cluster"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-kind="cluster"' in html
    assert "transformer" in html and 'data-field="terms"' in html
    for area in transformer_burnt[:4]:
        assert f"{area.name} (6)" in html


# --- What the review of the method found ----------------------------------------------


def test_a_rise_of_the_whole_type_is_not_a_cluster():
    # Every everyday topic from 2 to 5 a week in all six districts: a rise of the type
    # (for the count-based kinds to find), not a new cause.
    plan = [(t, w, d, 2) for t in BACKGROUND for w in WEEKS[:8] for d in DISTRICTS] + [
        (t, w, d, 5) for t in BACKGROUND for w in TESTED for d in DISTRICTS
    ]
    assert clusters(1, texts(plan), week=TESTED_WEEK) == []
    # A new cause inside the rise is still found.
    found = clusters(1, texts(plan + emerging(DISTRICTS[:4], TESTED[1:], n=3)), week=TESTED_WEEK)
    assert len(found) == 1 and {"transformer", "burnt"} <= set(found[0].terms)


def test_copies_of_one_text_show_no_name_and_long_words_are_cut():
    copied = (
        "Patwari Ajay Bansal of halqa Rampur demands Rs 5000 bribe for the mutation, "
        "samjhautanahinkarungachahejokuchbhihojaye",
    )
    plan = steady(DISTRICTS) + [(copied, w, d, 3) for w in TESTED[1:] for d in DISTRICTS[:4]]
    (found,) = clusters(1, texts(plan), week=TESTED_WEEK)
    assert found.count == 36
    assert not {"ajai", "bansl", "bansal"} & set(found.terms)
    assert all(len(t) <= 40 for t in found.terms) and len(found.topic) <= 200
    assert found.topic  # a key even when no word is shown


def test_two_clusters_with_the_same_key_terms_get_their_own_topics():
    (found,) = clusters(
        1, texts(steady(DISTRICTS) + emerging(DISTRICTS[:4], TESTED[1:])), week=TESTED_WEEK
    )
    other = replace(found, terms=[*found.terms[:3], "other", "words"], samples=["N9999"])
    again = replace(found, terms=found.terms[:3])  # nothing more to tell it by
    topics = [f.topic for f in _unique_topics([found, other, again])]
    assert topics[0] == found.topic
    assert len(set(topics)) == 3
    assert topics[1] == " ".join(sorted([*found.terms[:3], "other"]))
    assert topics[2] == found.topic + " #2"


@pytest.mark.django_db
def test_late_grievances_that_reorder_the_terms_update_the_same_issue(world):
    # Two wordings of one new thing; three late ones of the weaker wording change which
    # terms are strongest. The re-run updates the acknowledged issue; it adds none.
    pole, wire = ("{v} smart sparking pole",), ("{v} smart sparking wire",)
    _, areas = many_cells(world, districts=6)
    by_path = {a.path: a for a in areas}
    paths = [a.path for a in areas]
    plan: list[tuple[tuple[str, ...], date, str, int]] = [
        (t, w, d, 1) for t in BACKGROUND for w in WEEKS for d in paths
    ]
    plan += [(topic, w, d, 1) for topic in (pole, wire) for w in TESTED[1:] for d in paths[:4]]
    register(world, plan, by_path, world.category)
    systemic_detect(now=now())
    issue = SystemicIssue.objects.get(kind=IssueKind.CLUSTER)
    issue_acknowledge(actor=world["secretary"], issue_id=issue.pk, policy_note="Check the poles.")
    late = pole if "vire" in issue.topic else wire
    register(world, [(late, TESTED[-1], paths[0], 3)], by_path, world.category, seed=9)

    systemic_detect(now=now() + timedelta(hours=1))

    again = SystemicIssue.objects.get(kind=IssueKind.CLUSTER)
    assert again.pk == issue.pk and again.topic == issue.topic
    assert again.status == IssueStatus.ACKNOWLEDGED
    assert again.count == issue.count + 3


@pytest.mark.django_db
def test_a_type_grievances_were_moved_to_is_not_clustered_that_stretch(world, transformer_burnt):
    # Only pending grievances move in a merge, so the type's texts lean to recent weeks.
    from nivaran.catalog.services import category_merge

    world.register(category=world.hours_category, mobile="9876500001")
    category_merge(
        actor=world["secretary"],
        code=world.hours_category.code,
        into=world.category.code,
        reason="One type",
    )
    systemic_detect(now=now())
    assert not SystemicIssue.objects.filter(kind=IssueKind.CLUSTER).exists()
