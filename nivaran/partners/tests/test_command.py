from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nivaran.partners.models import Partner
from nivaran.partners.tests.conftest import partner_client

RECORDS = "/api/v1/partner/records/"


def issue(*args: str) -> str:
    out = StringIO()
    call_command("partner_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_the_last_line_is_a_working_key_and_rotation_retires_the_old_one(world):
    old = issue("ssm", "--name", "SSM Call Centre", "--source-flag", "SSM Call Centre Data")
    partner = Partner.objects.get(code="ssm")
    assert partner.source_flag == "SSM Call Centre Data"
    assert old not in partner.key_hash
    assert partner_client(old).get(RECORDS).status_code == 200
    new = issue("ssm")
    assert new != old
    assert partner_client(old).get(RECORDS).status_code == 401
    assert partner_client(new).get(RECORDS).status_code == 200
    assert Partner.objects.count() == 1


def test_a_new_partner_needs_a_name_and_flag(db):
    with pytest.raises(CommandError):
        issue("new")
