"""A Python client generated from the committed schema walks a grievance's life against a
live server: what an integrator gets from `openapi-python-client` works as documented.

The client is generated afresh into a temporary folder (a few seconds) from
`docs/openapi.yaml`, imported, and driven through its typed methods and models only.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from nivaran.testing.world import PASSWORD, World

PACKAGE = "nivaran_client"


@pytest.fixture
def generated(tmp_path: Path):
    """The generated client package, importable for the test, forgotten after it."""
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "project_name_override": "nivaran-client",
                "package_name_override": PACKAGE,
                "post_hooks": [],  # no formatter run: the code is imported, not read
            }
        )
    )
    out = tmp_path / "client"
    tool = Path(sys.executable).parent / "openapi-python-client"
    done = subprocess.run(  # noqa: S603 - our own venv's tool on our own schema
        [
            str(tool),
            "generate",
            "--path",
            str(Path(settings.BASE_DIR) / "docs" / "openapi.yaml"),
            "--output-path",
            str(out),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    _import_unset(out / PACKAGE)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _import_unset(package: Path) -> None:
    """openapi-python-client 0.29.1 types a body with several content types (JSON and
    multipart, say) as `... | Unset` without importing `Unset` (its issue #1451, fix open
    as #1478): add the import, as an integrator must until a release has the fix."""
    plain = "from ...types import Response, UNSET\n"
    for module in package.glob("api/*/*.py"):
        text = module.read_text(encoding="utf-8")
        if "| Unset" in text and plain in text:
            module.write_text(
                text.replace(plain, "from ...types import Response, UNSET, Unset\n"),
                encoding="utf-8",
            )


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_walks_a_grievance_to_closed(generated, live_server, world: World):
    models = _module("models")
    token_create = _module("api.auth.auth_token_create")
    register = _module("api.grievances.grievances_create")
    retrieve = _module("api.grievances.grievances_retrieve")
    submit_atr = _module("api.grievances.grievances_actions_submit_atr")
    record_feedback = _module("api.grievances.grievances_actions_record_feedback")
    history = _module("api.grievances.grievances_history_list")

    def client_as(username: str):
        anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
        token = token_create.sync(
            client=anonymous,
            body=models.TokenRequestRequest(username=username, password=PASSWORD),
        )
        assert isinstance(token, models.TokenResponse), token
        return generated.AuthenticatedClient(
            base_url=live_server.url, token=token.token, prefix="Token"
        )

    telecaller = client_as("telecaller")
    registered = register.sync_detailed(
        client=telecaller,
        body=models.RegisterInputRequest(
            citizen=models.RegisterCitizenRequest(name="Savitri Devi", mobile="9812345678"),
            category=world.category.code,
            area=world.block.code,
            description="मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है।",
        ),
        idempotency_key="walk-1",
    )
    assert registered.status_code == 201
    grievance = registered.parsed
    assert isinstance(grievance, models.GrievanceDetail), grievance
    assert grievance.status == models.StatusEnum.OPEN
    assert grievance.level == 1
    number = grievance.number

    officer = client_as("officer_l1")
    seen = retrieve.sync(number, client=officer)
    assert isinstance(seen, models.GrievanceDetail)
    assert "submit_atr" in seen.allowed_actions

    after_atr = submit_atr.sync(
        number,
        client=officer,
        body=models.SubmitAtrInputRequest(
            summary="Mutation No. 4512 entered in the jamabandi.",
            resolution_type=models.ResolutionTypeEnum.RESOLVED,
        ),
    )
    assert isinstance(after_atr, models.GrievanceDetail), after_atr
    assert after_atr.status == models.StatusEnum.ATR_SUBMITTED

    feedback = client_as("feedback")
    closed = record_feedback.sync(
        number,
        client=feedback,
        body=models.RecordFeedbackInputRequest(
            outcome=models.FeedbackOutcomeEnum.SATISFIED, recording_ref="REC-1"
        ),
    )
    assert isinstance(closed, models.GrievanceDetail), closed
    assert closed.status == models.StatusEnum.CLOSED
    assert closed.closed_at is not None

    events = history.sync(number, client=feedback)
    assert [e.action for e in events] == ["register", "submit_atr", "record_feedback"]

    refused = record_feedback.sync_detailed(
        number,
        client=feedback,
        body=models.RecordFeedbackInputRequest(satisfied=True),
    )
    assert refused.status_code == 409
    assert isinstance(refused.parsed, models.Error)
    assert refused.parsed.code == "transition_not_allowed"
