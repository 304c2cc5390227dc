"""The scoring service over HTTP: keys and scopes, scores equal to the library's, bad input
answered with clear 4xx, limits, logs and metrics. One real ``jupyter-ad serve`` process.
"""

from __future__ import annotations

import json
import subprocess
import time

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.server.conftest import JUPYTER_AD, Setup, create_key

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("server-http")]

# every /v1 route, one valid call each, and the scope it needs
ROUTES = [
    ("GET", "/v1/models", None, "score"),
    ("GET", "/v1/models/tiny", None, "score"),
    ("POST", "/v1/models/tiny/score", {"rows": [{"a": 0.1, "b": 0.2, "c": 0.3}]}, "score"),
    ("POST", "/v1/models/tiny/explain", {"row": {"a": 5.0, "b": 0.2, "c": 0.3},
                                         "n_samples": 200}, "explain"),
    ("POST", "/v1/models/tiny/feedback", {"ids": ["r1"], "labels": [1]}, "feedback"),
    ("GET", "/v1/models/fraud/aliases", None, "admin"),
    ("PUT", "/v1/models/fraud/aliases/staging", {"version": 2}, "admin"),
    ("POST", "/v1/models/fraud/aliases/staging/rollback", None, "admin"),
]


def _call(client: httpx.Client, method: str, path: str, body: object) -> httpx.Response:
    return client.request(method, path, json=body) if body is not None else client.request(
        method, path)


def test_health_and_readiness_need_no_key(service: Setup) -> None:
    with service.server.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        ready = c.get("/readyz").json()
        assert ready["status"] == "ready"
        assert sorted(ready["models"]) == ["fraud@1", "tiny@1"]


@pytest.mark.parametrize(("method", "path", "body", "scope"), ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_every_v1_route_refuses_missing_unknown_and_wrong_scope(
        service: Setup, method: str, path: str, body: object, scope: str) -> None:
    with service.server.client() as c:
        missing = _call(c, method, path, body)
        assert missing.status_code == 401, missing.text
        assert missing.json()["error"] == "unauthorized"
        assert "X-API-Key" in missing.json()["message"]
    fake = "jad_0123abcd_" + "x" * 43
    with service.server.client(fake) as c:
        assert _call(c, method, path, body).status_code == 401
    with service.server.client(headers={"Authorization": "Bearer not-a-key-at-all-1234"}) as c:
        assert _call(c, method, path, body).status_code == 401
    wrong = "metrics" if scope != "metrics" else "score"
    with service.server.client(service.keys[wrong]) as c:
        refused = _call(c, method, path, body)
        assert refused.status_code == 403, refused.text
        assert scope in refused.json()["message"]
    if path.endswith("/rollback"):  # something to roll back to
        with service.server.client(service.keys["admin"]) as c:
            c.put("/v1/models/fraud/aliases/staging", json={"version": 1})
            assert c.put("/v1/models/fraud/aliases/staging", json={"version": 2}).is_success
    with service.server.client(service.keys[scope]) as c:
        allowed = _call(c, method, path, body)
        assert allowed.status_code == 200, allowed.text
    if method == "GET":
        with service.server.client(
                headers={"Authorization": f"Bearer {service.keys[scope]}"}) as c:
            assert _call(c, method, path, body).status_code == 200


def test_metrics_need_the_metrics_scope_and_count_requests(service: Setup) -> None:
    with service.server.client() as c:
        assert c.get("/metrics").status_code == 401
    with service.server.client(service.keys["score"]) as c:
        assert c.get("/metrics").status_code == 403
        c.post("/v1/models/tiny/score", json={"rows": [{"a": 9.0, "b": 9.0, "c": 9.0}]})
    with service.server.client(service.keys["metrics"]) as c:
        text = c.get("/metrics").text
    assert 'jupyter_ad_requests_total{method="POST",route="/v1/models/{name}/score",' \
           'status="200"}' in text
    assert 'jupyter_ad_request_duration_seconds_bucket{' in text
    assert 'jupyter_ad_model_version{model="fraud",spec="fraud@production"} 1.0' in text
    assert 'jupyter_ad_anomalies_flagged_total{model="tiny"}' in text
    rows = [line for line in text.splitlines()
            if line.startswith('jupyter_ad_rows_scored_total{model="tiny"}')]
    assert rows and float(rows[0].split()[-1]) >= 1


def test_scores_equal_model_score_on_the_same_rows(service: Setup) -> None:
    import jupyter_ad as ad

    model = ad.load("fraud@1", root=service.store)
    rows = service.data.sample(300, random_state=3)
    expected = model.score(rows)
    records = json.loads(rows.to_json(orient="records"))
    with service.server.client(service.keys["score"]) as c:
        batch = c.post("/v1/models/fraud/score", json={"rows": records}).json()
        single = [c.post("/v1/models/fraud/score", json={"rows": [r]}).json()
                  for r in records[:40]]
        columns = c.post("/v1/models/fraud/score", json={"columns": {
            k: [r[k] for r in records] for k in records[0]}}).json()
    assert batch["model"] == "fraud@1"
    np.testing.assert_array_equal(batch["scores"], expected.scores)
    np.testing.assert_array_equal(batch["labels"], expected.labels)
    np.testing.assert_array_equal(batch["confidence"], expected.confidence)
    np.testing.assert_array_equal(columns["scores"], expected.scores)
    assert batch["threshold"] == model.threshold_
    assert expected.labels.sum() > 0  # anomalies among the rows, so labels are tested
    np.testing.assert_array_equal([s["scores"][0] for s in single], expected.scores[:40])
    np.testing.assert_array_equal([s["labels"][0] for s in single], expected.labels[:40])
    np.testing.assert_array_equal([s["confidence"][0] for s in single],
                                  expected.confidence[:40])


def test_model_info_names_features_threshold_and_metrics(service: Setup) -> None:
    with service.server.client(service.keys["score"]) as c:
        info = c.get("/v1/models/fraud").json()
        listing = c.get("/v1/models").json()["models"]
    assert info["model"] == "fraud@1" and info["follows"] == "alias production"
    assert {f["name"]: f["kind"] for f in info["features"]}["merchant"] == "categorical"
    assert info["threshold"] > 0 and info["metrics"]["n_rows"] == 1500
    assert [m["model"] for m in listing] == ["fraud@1", "tiny@1"]


def test_explain_gives_contributions_and_a_sentence(service: Setup) -> None:
    row = {"a": 6.0, "b": 0.0, "c": 0.1}
    with service.server.client(service.keys["explain"]) as c:
        out = c.post("/v1/models/tiny/explain", json={"row": row, "n_samples": 500}).json()
    assert out["model"] == "tiny@1" and out["label"] == 1
    assert out["features"][0]["feature"] == "a"  # the planted deviation leads
    assert "a" in out["sentence"]


def test_feedback_is_kept_with_ids_or_rows(service: Setup) -> None:
    rows = [{"a": 0.0, "b": 0.1, "c": 0.2}, {"a": 7.0, "b": 0.1, "c": 0.2}]
    with service.server.client(service.keys["feedback"]) as c:
        by_id = c.post("/v1/models/tiny/feedback",
                       json={"ids": ["tx-9", 10, "tx-11"], "labels": [1, "no", None]}).json()
        by_row = c.post("/v1/models/tiny/feedback", json={"rows": rows, "labels": [0, 1]})
        bad = c.post("/v1/models/tiny/feedback", json={"ids": ["x"], "labels": ["maybe"]})
    assert by_id == {"model": "tiny@1", "recorded": 2, "unlabelled": 1}
    assert by_row.json()["recorded"] == 2
    assert bad.status_code == 422 and "maybe" in bad.json()["message"]
    from jupyter_ad.monitoring import db

    _, kept = db.read_tables(service.store / ".monitoring.sqlite", "tiny")
    assert [(f["row"], f["label"], f["score"]) for f in kept if f["row"] in (
        "tx-9", "10", "tx-11")] == [("tx-9", 1, None), ("10", 0, None)]
    scored = [f for f in kept if f["score"] is not None][-2:]  # the rows, scored
    assert [f["label"] for f in scored] == [0, 1] and scored[1]["score"] > scored[0]["score"]
    assert scored[1]["predicted"] == 1 and {f["version"] for f in kept} == {1}


BAD_BODIES = [
    (b'{"rows": [{"a": NaN, "b": 1, "c": 1}]}', 422, "NaN"),
    (b'{"rows": [{"a": Infinity, "b": 1, "c": 1}]}', 422, "Infinity"),
    (b'{"rows": [{"a": 1e999, "b": 1, "c": 1}]}', 422, "infinity"),
    (b'{"rows": [{"a": -1e400, "b": 1, "c": 1}]}', 422, "infinity"),
    (b'{"rows": [{"a": "\xff\xfe", "b": 1, "c": 1}]}', 422, "UTF-8"),
    (b"[" * 5000 + b"]" * 5000, 422, "depth"),
    (b'{"rows": [{"a": ' + b"[" * 500 + b"]" * 500 + b', "b": 1, "c": 1}]}', 422, "rows[0].a"),
    (b'{"rows": [{"a": 1, "b": 1, "c": 1}], "extra": 1}', 422, "'extra'"),
    (b'{"rows": [{"a": 1, "b": 1, "c": 1}, {"a": [1, 2], "b": 1, "c": 1}]}', 422, "rows[1].a"),
    (b'{"rows": [{"a": 1, "b": 1, "c": 1}, {"a": {"x": 1}, "b": 1, "c": 1}]}', 422, "rows[1].a"),
    (b'{"rows": {"a": 1}}', 422, "rows must be an array"),
    (b'{"rows": [1, 2]}', 422, "rows[0]"),
    (b'{"rows": []}', 422, "empty"),
    (b'{"rows": [{"a": "high", "b": 1, "c": 1}, {"a": 2, "b": 1, "c": 1}]}', 422, "'a'"),
    (b'{"rows": [{"a": 1, "b": 1}]}', 422, "'c'"),
    (b'{"rows": [{"a": 1, "b": 1, "c": 1, "zzz": 3}]}', 422, "'zzz'"),
    (b'{"columns": {"a": [1, 2], "b": [1], "c": [1, 2]}}', 422, "different lengths"),
    (b'{"rows": [{"a": 1, "b": 1, "c": 1}], "columns": {"a": [1]}}', 422, "one of the two"),
    (b"", 422, "empty"),
    (b"not json", 422, "not valid JSON"),
    (b'"a string"', 422, "JSON object"),
    (b'{"rows": [{"a": 123456789012345678901234567890, "b": 1, "c": 1}]}', 200, ""),
    (b'{"rows": [{"a": 1e300, "b": -1e300, "c": 1}]}', None, ""),
]


@pytest.mark.parametrize(("body", "status", "says"), BAD_BODIES,
                         ids=[f"bad{i}" for i in range(len(BAD_BODIES))])
def test_bad_bodies_get_clear_4xx_and_the_service_keeps_serving(
        service: Setup, body: bytes, status: int | None, says: str) -> None:
    with service.server.client(service.keys["score"]) as c:
        answer = c.post("/v1/models/tiny/score", content=body,
                        headers={"Content-Type": "application/json"})
        if status is None:  # either scored or refused, never a crash
            assert answer.status_code in (200, 422), answer.text
        else:
            assert answer.status_code == status, answer.text
        if answer.status_code != 200:
            payload = answer.json()
            assert payload["status"] == answer.status_code and payload["request_id"]
            assert says in payload["message"], payload
        ok = c.post("/v1/models/tiny/score", json={"rows": [{"a": 0.0, "b": 0.0, "c": 0.0}]})
        assert ok.status_code == 200


def test_size_and_row_limits(tmp_path, service: Setup) -> None:
    from tests.server.conftest import start_server

    server = start_server(["--store", str(service.store), "--keys-file",
                           str(service.keys_file), "--models", "tiny", "--max-body-size",
                           "20kB", "--max-rows", "50", "--watch-interval", "0"])
    try:
        row = {"a": 0.5, "b": 0.5, "c": 0.5}
        with server.client(service.keys["score"]) as c:
            big = c.post("/v1/models/tiny/score", json={"rows": [row] * 2000})
            assert big.status_code == 413 and "max_body_size" in big.json()["message"]

            def chunks():  # no Content-Length: counted while read
                yield b'{"rows": ['
                for _ in range(2000):
                    yield b'{"a": 0.5, "b": 0.5, "c": 0.5},'
                yield b'{"a": 0.5, "b": 0.5, "c": 0.5}]}'

            chunked = c.post("/v1/models/tiny/score", content=chunks(),
                             headers={"Content-Type": "application/json"})
            assert chunked.status_code == 413
            many = c.post("/v1/models/tiny/score", json={"rows": [row] * 51})
            assert many.status_code == 413 and "max_rows" in many.json()["message"]
            assert c.post("/v1/models/tiny/score", json={"rows": [row] * 50}).status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize("name", ["..", "..%2F..%2Fetc", "a b", "%2e%2e", "x" * 101, "-bad"])
def test_model_names_are_validated(service: Setup, name: str) -> None:
    with service.server.client(service.keys["score"]) as c:
        answer = c.post(f"/v1/models/{name}/score", json={"rows": [{"a": 1}]})
    assert answer.status_code in (404, 422), answer.text
    assert answer.json()["status"] == answer.status_code


def test_unknown_model_is_404_naming_the_served_ones(service: Setup) -> None:
    with service.server.client(service.keys["score"]) as c:
        answer = c.post("/v1/models/fruad/score", json={"rows": [{"a": 1}]})
    assert answer.status_code == 404
    assert "fraud" in answer.json()["message"] and "tiny" in answer.json()["message"]


def test_revoked_key_stops_working_without_a_restart(service: Setup) -> None:
    key = create_key(service.keys_file, "score")
    with service.server.client(key) as c:
        assert c.get("/v1/models").status_code == 200
        key_id = key.split("_")[1]
        subprocess.run([JUPYTER_AD, "keys", "revoke", key_id, "--keys-file",
                        str(service.keys_file)], check=True, capture_output=True, timeout=60)
        deadline = time.monotonic() + 5
        while c.get("/v1/models").status_code == 200:
            assert time.monotonic() < deadline, "the revoked key still works after 5 s"
            time.sleep(0.1)
        assert c.get("/v1/models").status_code == 401
    with service.server.client(service.keys["score"]) as c:  # the others still work
        assert c.get("/v1/models").status_code == 200


def test_rate_limit_per_key_gives_429_with_retry_after(service: Setup) -> None:
    key = create_key(service.keys_file, "score", rate_limit="5/minute")
    with service.server.client(key) as c:
        codes = [c.get("/v1/models").status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3
        limited = c.get("/v1/models")
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    with service.server.client(service.keys["score"]) as c:  # other keys are not affected
        assert c.get("/v1/models").status_code == 200


def test_cors_is_off_by_default(service: Setup) -> None:
    with service.server.client() as c:
        answer = c.options("/v1/models", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in answer.headers
        got = c.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in got.headers


def test_request_id_is_echoed_and_logged_and_keys_never_logged(service: Setup) -> None:
    with service.server.client(service.keys["score"]) as c:
        answer = c.get("/v1/models", headers={"X-Request-ID": "trace-abc-123"})
        assert answer.headers["x-request-id"] == "trace-abc-123"
        generated = c.get("/v1/models").headers["x-request-id"]
        for hostile in ("x" * 100, "a b", "<script>"):
            echoed = c.get("/v1/models", headers={"X-Request-ID": hostile})
            assert echoed.headers["x-request-id"] != hostile
    deadline = time.monotonic() + 5
    while "trace-abc-123" not in service.server.log and time.monotonic() < deadline:
        time.sleep(0.1)
    records = [json.loads(line) for line in service.server.lines if line.startswith("{")]
    mine = [r for r in records if r.get("request_id") == "trace-abc-123"]
    assert mine and mine[0]["route"] == "/v1/models" and mine[0]["status"] == 200
    assert mine[0]["key_id"] == service.keys["score"].split("_")[1]
    assert any(r.get("request_id") == generated for r in records)
    log = service.server.log
    for key in service.keys.values():
        assert key not in log and key.split("_", 2)[2] not in log
    assert "jad_" not in log and "scrypt$" not in log


def test_a_server_error_names_the_request_id_not_a_traceback(service: Setup) -> None:
    # a model file swapped for another pickle is refused by the store: 4xx, not 5xx
    with service.server.client(service.keys["admin"]) as c:
        answer = c.put("/v1/models/fraud/aliases/staging", json={"version": 99})
    assert answer.status_code == 404 and "99" in answer.json()["message"]


def test_untrusted_model_is_never_loaded(tmp_path, service: Setup) -> None:
    from tests.server.conftest import fit_and_save

    store = tmp_path / "store"
    fit_and_save(store, "tiny", data=pd.DataFrame({"a": np.arange(50.0), "b": 1.0, "c": 2.0}))
    pkl = store / "tiny" / "1" / "model.pkl"
    pkl.write_bytes(pkl.read_bytes() + b"\x00")  # altered after saving
    keys = create_key(tmp_path / "keys.json", "score")
    from tests.server.conftest import start_server

    server = start_server(["--store", str(store), "--keys-file", str(tmp_path / "keys.json"),
                           "--watch-interval", "0"], ready=False)
    try:
        with server.client(keys) as c:
            ready = c.get("/readyz")
            assert ready.status_code == 503
            assert "SHA-256" in json.dumps(ready.json())
            assert c.post("/v1/models/tiny/score", json={"rows": [{"a": 1}]}).status_code == 404
    finally:
        server.stop()


def test_the_route_list_above_covers_every_v1_route(service: Setup) -> None:
    from jupyter_ad.server.app import create_app
    from jupyter_ad.server.settings import ServerSettings

    app = create_app(ServerSettings(store=str(service.store), keys_file=str(service.keys_file)),
                     env_keys="")
    schema = app.openapi()
    declared = {(method.upper(), path) for path, item in schema["paths"].items()
                for method in item if path.startswith("/v1")}
    listed = {(method, path.replace("/tiny", "/{name}").replace("/fraud", "/{name}")
               .replace("/staging", "/{alias}")) for method, path, _, _ in ROUTES}
    assert declared == listed
    for path, item in schema["paths"].items():  # every route but health and readiness: a key
        for operation in item.values():
            assert ("security" in operation) == (path not in ("/healthz", "/readyz")), path
