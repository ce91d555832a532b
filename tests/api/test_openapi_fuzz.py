"""The OpenAPI document tells the truth: schemathesis drives every operation with generated
requests, anonymously and with a token, and checks that nothing answers 500, that every status
is declared and every body matches its declared schema (including the errors).

Bounded (a few examples per operation) so that it runs in CI; `make fuzz` runs more."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from wenku.wsgi import application

EXAMPLES = int(os.environ.get("WENKU_FUZZ_EXAMPLES", "10"))
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
fuzz_settings = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture
def token(transactional_db, django_user_model):
    from tests.factories import give_points, published_document
    from wenku.accounts.models import ApiToken

    reader = django_user_model.objects.create_user("fuzzer", password="pw-fuzz-123456")
    give_points(reader, 100)
    published_document(uploader=reader, title="模糊测试文档", pages=3)
    return ApiToken.issue(reader)[1]


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@fuzz_settings
def test_every_operation_anonymously(case):
    case.call_and_validate(excluded_checks=_beyond_the_schema(case))


# Operations whose schema-valid requests may rightly be refused (400) for what no schema can
# say: an upload's bytes are checked for what they are (a PNG is no document); a registration
# needs a free user name, a deliverable address and a password that is not a common one.
REFUSED_BEYOND_THE_SCHEMA = {("POST", "/api/documents"), ("POST", "/api/auth/register")}


def _beyond_the_schema(case) -> list:
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    if (case.operation.method.upper(), case.operation.path) in REFUSED_BEYOND_THE_SCHEMA:
        return [positive_data_acceptance]
    return []


TOKENS: list[str] = []


class BearerAuth:
    """The token of the current test, given the way the schema declares it (so schemathesis'
    auth checks can take it away and try invalid ones)."""

    def get(self, case, context):
        return TOKENS[-1] if TOKENS else ""

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.mark.django_db(transaction=True)
@schema.auth(BearerAuth)
@schema.parametrize()
@fuzz_settings
def test_every_operation_with_a_token(case, token):
    TOKENS.append(token)
    case.call_and_validate(excluded_checks=_beyond_the_schema(case))


def test_the_document_has_one_entry_per_status(client):
    """Swagger UI (js-yaml) refuses a document with a status twice, as "400" and 400 would be."""
    import json

    raw = client.get("/api/openapi.json").content
    pairs_seen: list[list[str]] = []

    def keep(pairs):
        pairs_seen.append([k for k, _ in pairs])
        return dict(pairs)

    json.loads(raw, object_pairs_hook=keep)
    assert all(len(keys) == len(set(keys)) for keys in pairs_seen)
