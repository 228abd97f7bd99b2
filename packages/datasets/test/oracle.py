"""Python `datasets` as the oracle for @hfkit/datasets: reads a JSON job on stdin, answers JSON.

For each case it builds the same rows in Python (`Dataset.from_list`, with features written in
Python), then reports what Python datasets makes of them (features JSON, Arrow schema, README
YAML, nbytes, shard count) and what it reads back from hfkit's shards (pyarrow and
`Dataset.from_parquet`), so the JS test can compare.
"""
import base64
import datetime
import decimal
import json
import sys
import warnings

warnings.filterwarnings("ignore")

import pyarrow as pa
import pyarrow.parquet as pq
import datasets
from datasets import (  # noqa: F401  (names used by the cases' feature expressions)
    Array2D, Array3D, Array4D, Array5D, Audio, ClassLabel, Features, Image, Json, LargeList, List,
    Sequence, Value,
)
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData


def untag(value):
    """JSON from the JS side back to Python values ($bytes, $bigint tags)."""
    if isinstance(value, dict):
        if "$bytes" in value:
            return base64.b64decode(value["$bytes"])
        if "$bigint" in value:
            return int(value["$bigint"])
        if "$float" in value:
            return float(value["$float"])
        return {k: untag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [untag(v) for v in value]
    return value


def to_python(feature, value):
    """A JSON value as the Python value a user would pass for this feature."""
    if value is None:
        return None
    if isinstance(feature, Value):
        dtype = feature.dtype
        if dtype.startswith("timestamp"):
            if isinstance(value, (int, float)):
                dt = datetime.datetime.fromtimestamp(value / 1000, tz=datetime.timezone.utc)
            else:
                dt = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if "tz=" not in dtype and dt.tzinfo is not None:
                dt = dt.replace(tzinfo=None)
            return dt
        if dtype in ("date32", "date64"):
            if isinstance(value, (int, float)):
                return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.timezone.utc).date()
            return datetime.date.fromisoformat(value[:10])
        if dtype.startswith("decimal"):
            return decimal.Decimal(str(value))
        if dtype.startswith("time"):
            return datetime.time.fromisoformat(value) if isinstance(value, str) else value
        if dtype.startswith("duration"):
            unit = dtype[dtype.index("[") + 1 : -1]
            return datetime.timedelta(**{{"s": "seconds", "ms": "milliseconds", "us": "microseconds"}[unit]: value})
        return value
    if isinstance(feature, (List, LargeList)):
        return [to_python(feature.feature, v) for v in value]
    if isinstance(feature, dict):
        return {k: to_python(feature[k], value.get(k)) for k in feature}
    if isinstance(feature, (Array2D, Array3D, Array4D, Array5D)):
        return value
    return value


def canon(value):
    """Python values as comparable JSON."""
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    if hasattr(value, "tolist"):
        return canon(value.tolist())
    return value


def card_yaml(features, split, num_bytes, num_examples, download_size, data_dir):
    """README front matter as push_to_hub builds it for a new repo (one config, one split)."""
    info = DatasetInfo(
        features=features,
        splits=SplitDict({split: SplitInfo(name=split, num_bytes=num_bytes, num_examples=num_examples)}),
        download_size=download_size,
        dataset_size=num_bytes,
    )
    card_data = DatasetCardData()
    DatasetInfosDict({"default": info}).to_dataset_card_data(card_data)
    MetadataConfigs({"default": {"data_files": [{"split": split, "path": f"{data_dir}/{split}-*"}]}}).to_dataset_card_data(card_data)
    return f"---\n{card_data.to_yaml()}\n---\n"


def run_case(case):
    features = eval(case["features_py"]) if case.get("features_py") else None
    rows = untag(case["rows"])
    if features is not None:
        rows = [{k: to_python(features[k], r.get(k)) for k in features} for r in rows]
    media = case.get("media_columns") or {}
    if media:
        # As golden s4: the column is built as strings, then cast to Image()/Audio().
        plain = Features({k: (Value("string") if k in media else v) for k, v in features.items()})
        ds = datasets.Dataset.from_list(rows, features=plain)
        for name, kind in media.items():
            ds = ds.cast_column(name, eval(kind))
        features = ds.features
    else:
        ds = datasets.Dataset.from_list(rows, features=features)
        features = ds.features
    nbytes = ds._estimate_nbytes()
    out = {
        "huggingface": json.dumps({"info": {"features": features.to_dict()}}),
        "nbytes": nbytes,
        "num_shards": int(nbytes / datasets.utils.py_utils.convert_file_size_to_int(case.get("max_shard_size", "500MB"))) + 1,
        "column_nbytes": {c: ds.data.column(c).nbytes for c in ds.column_names},
        "row_group_rows": datasets.arrow_writer.get_writer_batch_size_from_data_size(len(ds), nbytes),
    }
    files = case["files"]
    # pyarrow reading hfkit's shards
    # the same rows written by datasets (pyarrow), to compare what pyarrow reads from both
    theirs = case["cache_dir"] + "-python.parquet"
    ds.to_parquet(theirs)
    their_schema = pq.read_schema(theirs)
    schemas = [pq.read_schema(f) for f in files]
    out["arrow_schema_equal"] = all(s.equals(their_schema, check_metadata=True) for s in schemas)
    if not out["arrow_schema_equal"]:
        out["arrow_schema_differences"] = [
            [str(a), str(b), str(a.metadata), str(b.metadata)]
            for a, b in zip(schemas[0], their_schema)
            if not a.equals(b, check_metadata=True)
        ]
    out["arrow_schema_str"] = str(pq.ParquetFile(files[0]).schema_arrow)
    out["python_arrow_schema_str"] = str(pq.ParquetFile(theirs).schema_arrow)
    out["footer_huggingface"] = [pq.ParquetFile(f).metadata.metadata[b"huggingface"].decode() for f in files]
    out["row_groups"] = [[pq.ParquetFile(f).metadata.row_group(i).num_rows for i in range(pq.ParquetFile(f).num_row_groups)] for f in files]
    out["rows_per_file"] = [pq.ParquetFile(f).metadata.num_rows for f in files]
    codecs = {}
    meta = pq.ParquetFile(files[0]).metadata
    if meta.num_row_groups:
        rg = meta.row_group(0)
        for i in range(rg.num_columns):
            col = rg.column(i)
            codecs[col.path_in_schema] = [col.compression, col.has_dictionary_page]
    out["codecs"] = codecs
    table = pa.concat_tables([pq.read_table(f) for f in files]) if files else None
    expected_table = ds.with_format("arrow")[:]
    if media:
        expected_table = datasets.table.embed_table_storage(expected_table)
    got = table.cast(expected_table.schema)
    out["pyarrow_values_equal"] = canon(got.to_pylist()) == canon(expected_table.to_pylist())
    if not out["pyarrow_values_equal"]:
        out["pyarrow_differences"] = [
            [c, canon(got.column(c).to_pylist()), canon(expected_table.column(c).to_pylist())]
            for c in got.column_names
            if canon(got.column(c).to_pylist()) != canon(expected_table.column(c).to_pylist())
        ]
    # datasets reading hfkit's shards, features from the huggingface metadata
    loaded = datasets.Dataset.from_parquet(files, cache_dir=case["cache_dir"])
    # What datasets makes of its own file is the reference (pyarrow reads date64 back as
    # date32, so such a column loads as date32 from either file).
    their_loaded = datasets.Dataset.from_parquet(theirs, cache_dir=case["cache_dir"] + "-python")
    out["loaded_features_equal"] = loaded.features == their_loaded.features
    out["loaded_features_as_declared"] = loaded.features == features
    expected_rows = datasets.Dataset(expected_table, info=ds.info).to_list() if media else ds.to_list()
    loaded_rows = loaded.to_list()
    out["loaded_rows_equal"] = canon(loaded_rows) == canon(expected_rows)
    if not out["loaded_rows_equal"]:
        out["first_difference"] = next(
            ([canon(a), canon(b)] for a, b in zip(loaded_rows, expected_rows) if canon(a) != canon(b)), None
        )
    out["rows"] = canon(loaded_rows[: case.get("return_rows", 0)])
    out["card"] = card_yaml(
        features, case["split"], nbytes, len(ds), case["download_size"], case.get("data_dir", "data")
    )
    return out


def main():
    job = json.load(sys.stdin)
    answers = {}
    for name, case in job["cases"].items():
        try:
            answers[name] = run_case(case)
        except Exception as error:  # reported to the JS test, which fails with it
            import traceback

            answers[name] = {"error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()[-3000:]}
    json.dump(answers, sys.stdout)


main()
