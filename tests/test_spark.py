"""The Spark route gives what the pandas route gives: quarantine, tables, splits, gate
verdicts, preprocessing and training.

Both routes run the real data-engineering and model-engineering pipelines (in-process)
on the same generated raw files: pandas in the ``test`` environment, PySpark in the
``spark`` one (conf/spark, ``local[*]``; training reads Spark's Parquet through Arrow),
with the test environment's fast training settings. Each writes its own versions of
the same datasets, which are then compared.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import narwhals as nw
import pandas as pd
import pytest
from kedro.io import DataCatalog
from omegaconf import OmegaConf

from ml_template.contract import Contract, frames
from ml_template.spark import (
    SparkSetupError,
    check_java,
    check_raw_inputs,
    java_version,
    raw_paths,
)
from tests.conftest import (
    NOT_COPIED,
    PROJECT_ROOT,
    lay_fixture,
    load_config,
    run_session,
)

SOURCES = ("customers", "usage", "tickets")
SPLITS = ("train", "validation", "test")
PIPELINES = ["data_engineering", "model_engineering"]
TABLES = {
    **{f"02_intermediate/{s}.parquet": s for s in SOURCES},
    "03_primary/primary_table.parquet": "customers",
    "04_feature/features.parquet": "customers",
    **{f"05_model_input/{s}_set.parquet": "customers" for s in SPLITS},
}


def _spark_or_skip() -> None:
    pytest.importorskip("pyspark", reason='the spark extra: pip install -e ".[spark]"')
    try:
        check_java()
    except SparkSetupError as error:
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def routes(
    tiny_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The versions written by a pandas run and by a Spark run of data engineering."""
    _spark_or_skip()
    from pyspark.sql import SparkSession  # noqa: PLC0415 (the spark extra)

    root = tmp_path_factory.mktemp("spark") / "project"
    shutil.copytree(tiny_project, root, ignore=NOT_COPIED)
    fast = "parameters_model_engineering.yml"
    shutil.copy(root / "conf" / "test" / fast, root / "conf" / "spark" / fast)
    run_session(root, pipeline_names=PIPELINES)
    pandas_run = _last_run(root / "data")
    run_session(root, env="spark", pipeline_names=PIPELINES)
    spark_run = _last_run(root / "data")
    assert spark_run != pandas_run
    yield (root / "data", pandas_run), (root / "data", spark_run)
    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def _last_run(data: Path) -> str:
    """The version of the newest completed run (its record in data/runs)."""
    return sorted(data.glob("runs/*.json"))[-1].stem


def _at(run: tuple[Path, str], name: str) -> Path:
    data, version = run
    return data / name / version / Path(name).name


def _table(run: tuple[Path, str], name: str) -> pd.DataFrame:
    return pd.read_parquet(_at(run, name))


def _sorted(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(key).reset_index(drop=True)


@pytest.mark.slow
def test_spark_run_leaves_no_frame_cached(routes: tuple[Any, Any]) -> None:
    from pyspark.sql import SparkSession  # noqa: PLC0415 (the spark extra)

    session = SparkSession.getActiveSession()

    # The gates and the contract cache frames; each is dropped once its node is done.
    assert session is not None
    assert session._jsparkSession.sharedState().cacheManager().isEmpty()


@pytest.mark.slow
@pytest.mark.parametrize("table", sorted(TABLES))
def test_spark_writes_the_same_rows_and_values(
    routes: tuple[Any, Any], table: str, contract: Contract
) -> None:
    pandas_run, spark_run = routes
    key = contract.sources[TABLES[table]].key
    expected = _sorted(_table(pandas_run, table), key)
    found = _sorted(_table(spark_run, table), key)

    assert list(found.columns) == list(expected.columns)
    assert len(found) == len(expected) > 0
    pd.testing.assert_frame_equal(
        found, expected, check_dtype=False, check_exact=False, rtol=0, atol=1e-9
    )


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_spark_quarantines_the_same_rows_for_the_same_reasons(
    routes: tuple[Any, Any], source: str, contract: Contract
) -> None:
    pandas_run, spark_run = routes
    name = f"02_intermediate/quarantine/{source}.parquet"
    expected, found = _table(pandas_run, name), _table(spark_run, name)
    ids = contract.sources[source].key

    def reasons(frame: pd.DataFrame) -> Counter[tuple[Any, ...]]:
        rows = frame[[*ids, "quarantine_reason"]].astype("str")
        return Counter(map(tuple, rows.to_numpy().tolist()))

    assert len(expected) > 0
    assert reasons(found) == reasons(expected)


@pytest.mark.slow
def test_spark_gates_reach_the_same_verdicts(routes: tuple[Any, Any]) -> None:
    pandas_run, spark_run = routes

    def verdicts(run: tuple[Path, str]) -> dict[str, list[tuple[str, str, bool]]]:
        found = {}
        folder = run[0] / "08_reporting" / "validation"
        for path in sorted(folder.glob("*.json")):
            saved = _at(run, f"08_reporting/validation/{path.name}")
            if not saved.exists():
                continue
            result = json.loads(saved.read_text())
            found[path.stem] = sorted(
                (
                    item["expectation_config"]["type"],
                    json.dumps(item["expectation_config"]["kwargs"].get("column")),
                    item["success"],
                )
                for item in result["results"]
            )
        return found

    expected = verdicts(pandas_run)
    assert len(expected) >= 7  # 3 raw sources, 3 intermediate, primary, 3 splits
    assert verdicts(spark_run) == expected


@pytest.mark.slow
def test_spark_route_trains_on_the_same_statistics_and_losses(
    routes: tuple[Any, Any],
) -> None:
    pandas_run, spark_run = routes

    def saved(run: tuple[Path, str], name: str) -> Any:
        return json.loads(_at(run, f"06_models/{name}.json").read_text())

    def preprocessing(run: tuple[Path, str]) -> Any:
        bundle = _at(run, "06_models/fitted_model")
        return json.loads((bundle / "preprocessing.json").read_text())

    expected, found = preprocessing(pandas_run), preprocessing(spark_run)
    assert found.keys() == expected.keys()
    for name in ("numeric", "indicators", "vocabularies"):
        assert found[name] == expected[name]
    for name in ("medians", "means", "stds"):
        assert found[name] == pytest.approx(expected[name], rel=1e-12)
    expected, found = (
        saved(run, "training_history") for run in (pandas_run, spark_run)
    )
    assert [e["step"] for e in found] == [e["step"] for e in expected]
    for ours, theirs in zip(found, expected, strict=True):
        for loss in ("train_loss", "validation_loss"):
            assert ours[loss] == pytest.approx(theirs[loss], abs=1e-5)


@pytest.mark.slow
def test_row_digests_are_the_same_on_both_backends(routes: tuple[Any, Any]) -> None:
    from pyspark.sql import SparkSession  # noqa: PLC0415 (the spark extra)

    values = [("x", "1"), (None, "2"), ("é|1", None), ("", "")]
    rows = pd.DataFrame(values, columns=["a", "b"])
    spark = SparkSession.builder.getOrCreate()

    def digests(native: Any) -> list[str]:
        frame = frames.with_draw(nw.from_native(native).lazy(), ["a", "b"], 7, "d")
        frame = frames.with_row_ids(frame, ["a", "b"], "id")
        found = frame.select("d", "id").collect(backend="pandas").to_native()
        return found.to_numpy().tolist()

    assert digests(spark.createDataFrame(values, "a string, b string")) == digests(rows)
    assert len({row[1] for row in digests(rows)}) == 4


@pytest.mark.slow
def test_a_column_without_a_header_reads_alike_on_both_routes(
    routes: tuple[Any, Any], tmp_path: Path
) -> None:
    from ml_template.datasets.spark import SparkDataset  # noqa: PLC0415 (spark extra)

    path = tmp_path / "exported.csv"
    pd.DataFrame({"id": ["a", "b"], "x": ["1", "2"]}).to_csv(path)  # with its index
    entry = next(
        e
        for e in load_config(PROJECT_ROOT / "conf", "spark")["catalog"].values()
        if isinstance(e, dict) and e.get("file_format") == "csv"
    )

    read = SparkDataset(
        filepath=str(path), file_format="csv", load_args=entry["load_args"]
    ).load()

    expected = pd.read_csv(path, dtype=str)
    assert list(expected.columns) == ["Unnamed: 0", "id", "x"]  # pandas' own name
    pd.testing.assert_frame_equal(read.toPandas(), expected, check_dtype=False)


@pytest.mark.slow
def test_a_source_spark_does_not_read_stops_the_run_before_it_starts(
    project_copy: Path,
) -> None:
    _spark_or_skip()
    sources = project_copy / "conf" / "spark" / "catalog_sources.yml"
    entries = OmegaConf.load(sources)
    del entries["tickets_raw"]  # a source added to base's catalog only
    OmegaConf.save(entries, sources)
    data_before = sorted((project_copy / "data").rglob("*"))

    with pytest.raises(
        SparkSetupError,
        match=r"no Spark entry for tickets_raw: add one .*conf/spark/catalog_sources",
    ):
        run_session(project_copy, env="spark", pipeline_names=["data_engineering"])
    assert sorted((project_copy / "data").rglob("*")) == data_before


def test_spark_reading_another_file_than_pandas_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _spark_or_skip()
    from kedro_datasets.spark import SparkDataset  # noqa: PLC0415 (the spark extra)

    conf = tmp_path / "conf"
    shutil.copytree(PROJECT_ROOT / "conf", conf)
    lay_fixture(conf)
    base = conf / "base" / "catalog_sources.yml"
    newer = "data/01_raw/customers_2026_12.csv"  # changed in base's catalog only
    base.write_text(base.read_text().replace("data/01_raw/customers.csv", newer, 1))

    paths = raw_paths(load_config(conf, env="spark"))
    assert paths["customers_raw"] == ("data/01_raw/customers.csv", newer)
    assert paths["usage_raw"] == ("data/01_raw/usage.parquet",) * 2
    assert "inference.customers_raw" not in paths  # scored rows stay on pandas
    catalog = DataCatalog(
        {
            name: SparkDataset(filepath=here, file_format="csv")
            for name, (here, _) in paths.items()
        }
    )
    with caplog.at_level("WARNING", logger="ml_template.spark"):
        check_raw_inputs(
            ["customers_raw", "params:contract", "usage_raw"], catalog, paths
        )
    assert (
        f"customers_raw: Spark reads data/01_raw/customers.csv, the pandas route {newer}"
    ) in caplog.text
    assert "usage_raw" not in caplog.text

    caplog.clear()  # on a cluster Spark reads other paths by design
    on_cluster = {"customers_raw": ("s3a://bucket/customers.csv", newer)}
    check_raw_inputs(["customers_raw"], catalog, on_cluster)
    assert caplog.text == ""


def test_java_versions_are_read_from_both_numbering_schemes(tmp_path: Path) -> None:
    for printed, major in (
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_392"', 8),
    ):
        java = tmp_path / "java"
        java.write_text(f"#!/bin/sh\necho '{printed}' >&2\n")
        java.chmod(0o755)

        assert java_version(str(java)) == major


def test_a_java_too_old_stops_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))

    with pytest.raises(SparkSetupError, match=r"Java 17 or newer; .*java is Java 11"):
        check_java()


def test_no_java_stops_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))

    with pytest.raises(SparkSetupError, match=r"none was found.*openjdk-17"):
        check_java()
