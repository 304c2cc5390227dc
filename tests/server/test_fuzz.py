"""Property-based fuzzing of the service's OpenAPI schema (schemathesis + Hypothesis): requests
that fit the schema, and requests that break it, sent to a running service; no answer is a 5xx
and the service keeps serving.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.server.conftest import Setup

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("server-fuzz")]

EXAMPLES = 30


def _schema(service: Setup) -> object:
    import schemathesis

    from jupyter_ad.server.app import create_app
    from jupyter_ad.server.settings import ServerSettings

    app = create_app(ServerSettings(store=str(service.store), keys_file=str(service.keys_file),
                                    models=("fraud@production", "tiny")), env_keys="")
    return schemathesis.openapi.from_dict(app.openapi())


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_input_makes_a_server_error(service: Setup, mode: str) -> None:
    from schemathesis import GenerationMode

    schema = _schema(service)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[attr-defined]
    paths = {op.path for op in operations}
    assert {"/v1/models/{name}/score", "/v1/models/{name}/explain",
            "/v1/models/{name}/feedback", "/v1/models/{name}/aliases/{alias}"} <= paths
    headers = {"X-API-Key": service.keys["all"]}
    statuses: dict[int, int] = {}
    for operation in operations:
        if mode == "negative" and operation.path in ("/healthz", "/readyz", "/metrics",
                                                     "/v1/models"):
            continue  # nothing to break: no parameters, no body
        strategy = operation.as_strategy(GenerationMode(mode))

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def call(case: object) -> None:
            answer = case.call(base_url=service.server.url, headers=headers,  # type: ignore[attr-defined]
                               timeout=60)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            assert answer.status_code < 500, (case, answer.status_code, answer.text)  # type: ignore[attr-defined]

        call()
    assert sum(statuses.values()) > 50
    assert any(400 <= s < 500 for s in statuses)
    with service.server.client(service.keys["score"]) as c:
        assert c.post("/v1/models/tiny/score",
                      json={"rows": [{"a": 0.0, "b": 0.0, "c": 0.0}]}).status_code == 200
    assert "internal_error" not in service.server.log
