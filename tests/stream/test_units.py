"""Fast unit tests: windows, URL parsing, Redis entries (fakeredis), the columnar transform."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jupyter_ad.data.row_transform import RecordsTransformer
from jupyter_ad.stream.buffers import SlidingWindow, TumblingWindow
from jupyter_ad.stream.events import Batch, IdRange, ScoredBatch
from jupyter_ad.stream.sources.redis_streams import RedisSource, entry_fields
from jupyter_ad.stream.urls import parse_url
from tests.stream.conftest import numeric_frame


def test_sliding_window_keeps_the_last_events_in_bounded_memory():
    w = SlidingWindow(250)
    for k in range(10):
        w.add([{"x": k * 100 + i} for i in range(100)])
    frame = w.frame()
    assert len(frame) == 250 and frame["x"].tolist() == list(range(750, 1000))
    assert len(w._chunks) <= 4 and w.seen == 1000
    w.add(pd.DataFrame({"x": [1000, 1001]}))
    assert w.frame()["x"].iloc[-1] == 1001 and len(w) == 250


def test_tumbling_window_hands_out_consecutive_groups():
    t = TumblingWindow(300)
    done = []
    for k in range(7):
        done += t.add(pd.DataFrame({"x": range(k * 100, k * 100 + 100)}))
    assert [list(f["x"]) for f in done] == [list(range(0, 300)), list(range(300, 600))]
    with pytest.raises(ValueError, match="whole number >= 1"):
        TumblingWindow(0)


def test_redis_entries_hold_fields_or_a_data_object():
    # the flat [field, value, ...] list Redis sends
    assert entry_fields([b"amount", b"12.5", b"city", b"paris", b"n", b"3"]) == {
        "amount": 12.5, "city": "paris", "n": 3.0}
    assert entry_fields([b"data", b'{"a": 1}']) == b'{"a": 1}'
    # 'data' beside other fields is one field among others; given twice, the last one counts
    assert entry_fields([b"data", b"7", b"x", b""]) == {"data": 7.0, "x": ""}
    assert entry_fields([b"data", b'{"a": 1}', b"data", b'{"a": 2}']) == b'{"a": 2}'
    assert entry_fields([b"\xffk", b"1"]) == {"\ufffdk": 1.0}  # a bad name does not stop it


def test_decode_event_uses_orjson_and_keeps_what_json_accepts(monkeypatch):
    import json
    import math

    import jupyter_ad.stream.sources.base as base

    assert base._fast_loads is not None  # orjson is installed with the stream extra
    texts = [b'{"a": NaN, "b": Infinity, "c": -Infinity}', b'{"a": 1e999}', b"{oops",
             b'\xff{"a": 1}', b"[1, 2]", '{"a": "\u00e9", "b": [1, {"c": null}]}', b"",
             b'{"a": 1} x', b'{"a": 12345678901234567890}']

    def outcome(raw):
        out = base.decode_event("1-0", raw)
        return ("poison", out.reason) if isinstance(out, base.Poison) else ("event", out)

    fast = [outcome(t) for t in texts]
    monkeypatch.setattr(base, "_fast_loads", None)  # json alone
    slow = [outcome(t) for t in texts]
    assert [kind for kind, _ in fast] == [kind for kind, _ in slow] == [
        "event", "event", "poison", "poison", "poison", "event", "poison", "poison", "event"]
    assert math.isnan(fast[0][1]["a"]) and fast[0][1]["b"] == math.inf == -fast[0][1]["c"]
    assert fast[1][1] == {"a": math.inf}
    for (_, a), (_, b) in zip(fast[2:8], slow[2:8], strict=True):  # same events, same reasons
        assert a == b
    with pytest.raises(json.JSONDecodeError) as error:
        json.loads("{oops")
    assert fast[2][1] == f"not valid JSON: {error.value}"
    assert fast[4][1] == "a JSON list, not an object"
    assert fast[8][1]["a"] == pytest.approx(12345678901234567890, rel=1e-15)


def test_redis_source_over_fakeredis(monkeypatch):
    import fakeredis

    import jupyter_ad.stream.sources.redis_streams as rs

    server = fakeredis.FakeServer()
    monkeypatch.setattr(rs, "connect", lambda url: fakeredis.FakeRedis(server=server))
    client = fakeredis.FakeRedis(server=server)
    ids = [client.xadd("ev", {"data": f'{{"f0": {i}}}'}).decode() for i in range(5)]
    bad = client.xadd("ev", {"data": "[1]"}).decode()
    source = RedisSource(parse_url("redis://h:1/0/ev?group=g"))
    batch = source.read(10, 0.01)
    assert list(batch.ids) == ids and [p.event_id for p in batch.poison] == [bad]
    assert batch.records[2] == {"f0": 2} and batch.texts[2] == b'{"f0": 2}'
    source.ack(batch)
    assert client.xpending("ev", "g")["pending"] == 0


def test_records_transformer_matches_the_batch_path(mixed_model, transactions):
    records = transactions.head(200).to_dict("records")
    records[7] = dict(records[7], amount="abc")
    del records[9]["merchant"]
    matrix, good, bad = RecordsTransformer(mixed_model.preprocessor_).transform(records)
    assert sorted(bad) == [7, 9] and "'amount'" in bad[7] and "'merchant'" in bad[9]
    frame = transactions.head(200).drop(index=[7, 9])
    _, expected, _ = mixed_model.preprocess(frame)
    np.testing.assert_allclose(matrix, expected, rtol=1e-12, atol=1e-12)
    assert good == [i for i in range(200) if i not in (7, 9)]


def test_numeric_records_take_one_array(numeric_model):
    frame = numeric_frame(50, seed=70)
    transformer = RecordsTransformer(numeric_model.preprocessor_)
    assert transformer.numeric
    matrix, good, bad = transformer.transform(frame.to_dict("records"))
    np.testing.assert_array_equal(matrix, numeric_model.preprocess(frame)[1])
    assert bad == {} and good == list(range(50))


def test_numeric_records_of_one_column_and_values_that_are_sequences():
    import warnings

    import jupyter_ad as ad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = ad.fit(pd.DataFrame({"x": np.random.default_rng(0).normal(size=300)}),
                     algorithm="iforest")
    transformer = RecordsTransformer(one.preprocessor_)
    rows = [{"x": 0.5}, {"x": "1.5"}, {"x": 2}]
    matrix, good, bad = transformer.transform(rows)
    expected = one.preprocess(pd.DataFrame({"x": [0.5, 1.5, 2.0]}))[1]
    np.testing.assert_array_equal(matrix, expected)
    assert good == [0, 1, 2] and bad == {}
    for odd in ([{"x": [1.0, 2.0]}, {"x": 2}], [{"x": [1.0, 2.0]}, {"x": [3.0, 4.0]}]):
        matrix, good, bad = transformer.transform(odd)
        assert 0 in bad and "'x' should be a number" in bad[0] and matrix.shape[1] == 1


def test_json_rows_append_the_output_fields_to_the_text_received():
    batch = ScoredBatch(ids=["1-0", "2-0"], score=np.array([0.5, 1.5]),
                        label=np.array([0, 1]), confidence=np.array([1.0, 0.75]),
                        model_version="m@1", event_time=np.array([1.0, 2.0]),
                        processing_time=3.0, records=[{"a": 1}, {"score": 9}],
                        texts=[b'{"a": 1}', b'{"score": 9}'])
    import json

    first, second = map(json.loads, batch.json_rows())
    assert first == {"a": 1, "event_id": "1-0", "score": 0.5, "label": 0, "confidence": 1.0,
                     "event_time": 1.0, "model_version": "m@1", "processing_time": 3.0}
    assert second["score"] == 1.5 and second["event_id"] == "2-0"  # its own 'score' replaced


def test_json_bytes_format_a_batch_s_numbers_exactly(monkeypatch):
    import json

    from jupyter_ad.stream import events

    score = np.array([0.1 + 0.2, 1e-300, 12345.678901234567, np.nan])
    batch = ScoredBatch(ids=["1-0", 'a"b', "c\\d", "\u00e9-1"], score=score,
                        label=np.array([0, 1, 0, 1]), confidence=np.array([1.0, 0.5, 1e-5, 1.0]),
                        model_version='m "1"', event_time=np.array([1.5, 2.0, 3.0, np.inf]),
                        processing_time=3.25, records=[{"a": 1}] * 4,
                        texts=[b'{"a": 1}', '{"a": 1} ', bytearray(b"{ }"), b'{"a": 1}'])
    rows = batch.json_bytes()
    assert [r.decode() for r in rows] == batch.json_rows()
    out = [json.loads(r) for r in rows]
    assert [r["event_id"] for r in out] == ["1-0", 'a"b', "c\\d", "\u00e9-1"]
    assert [r["score"] for r in out][:3] == score[:3].tolist()  # the same floats, read back
    assert out[3]["score"] is None and out[3]["event_time"] is None  # not finite: null
    assert [r["confidence"] for r in out] == [1.0, 0.5, 1e-5, 1.0]
    assert out[2] == {"event_id": "c\\d", "score": 12345.678901234567, "label": 0,
                      "confidence": 1e-5, "event_time": 3.0, "model_version": 'm "1"',
                      "processing_time": 3.25}
    assert batch.to_json_lines() == "".join(r + "\n" for r in batch.json_rows())
    monkeypatch.setattr(events, "_orjson", None)  # without orjson: the same objects
    assert [json.loads(r) for r in batch.json_bytes()] == out


def test_id_range_is_a_sequence_of_text():
    ids = IdRange(5, 9)
    assert len(ids) == 4 and ids[0] == "5" and ids[-1] == "8" and list(ids[1:3]) == ["6", "7"]
    assert list(Batch(ids=ids).ids) == ["5", "6", "7", "8"]
