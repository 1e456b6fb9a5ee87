"""The scaffold drafts a contract a person only has to review: names, types, formats,
vocabularies, ranges, keys, and flags for what it cannot decide."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from ml_template.contract.draft import draft_columns, key_candidates, sanitise
from ml_template.contract.loading import parse_contract
from ml_template.contract.scaffold import main
from tests.conftest import PROJECT_ROOT, copy_project, lay_fixture, run_session


def test_sanitise_makes_unique_identifiers() -> None:
    headers = ["Body Mass (g)", "Delta 15 N (o/oo)", "2nd try", "a b", "a-b", ""]

    assert sanitise(headers) == [
        "body_mass_g",
        "delta_15_n_o_oo",
        "c_2nd_try",
        "a_b",
        "a_b_2",
        "column",
    ]


def _by_name(frame: pd.DataFrame, target: str | None = None) -> dict[str, dict]:
    return {
        c.name: {**c.fields, "checks": c.checks} for c in draft_columns(frame, target)
    }


def test_types_formats_and_ranges_are_inferred() -> None:
    frame = pd.DataFrame(
        {
            "Amount": ["4,200", "12", "1,000,000", ""],
            "Day": ["2007-11-12", "2008-01-02", "2009-05-30", "2010-12-31"],
            "Colour": ["Red", "red ", "BLUE", "blue"],
            "Note": ["first", "second", "third", "fourth"],
            "Flag": ["x", "x", "x", "x"],
        },
        dtype="str",
    )

    drafted = _by_name(frame)

    assert drafted["amount"]["type"] == "number"
    assert drafted["amount"]["thousands"] == ","
    assert drafted["amount"]["min"] == 0 and drafted["amount"]["max"] >= 1_000_000
    assert drafted["amount"]["max_missing"] == 0.385
    assert drafted["amount"]["raw"] == "Amount"
    assert drafted["day"] | {"checks": []} == {
        "raw": "Day",
        "type": "date",
        "format": "%Y-%m-%d",
        "max": "as_of",
        "checks": [],
    }
    assert drafted["colour"]["values"] == ["BLUE", "Red"]  # one spelling per value
    assert (drafted["note"]["type"], drafted["note"]["role"]) == ("text", "id")
    assert drafted["flag"]["role"] == "ignore"  # constant


def test_a_drafted_range_never_excludes_an_observed_value() -> None:
    # palmerpenguins' `year`: rounding 2006.8..2009.2 to three digits gave 2010..2010,
    # and the first run quarantined every row.
    frame = pd.DataFrame(
        {"year": ["2007", "2008", "2009"] * 5, "mass": ["2700", "6300", "4050"] * 5}
    )

    drafted = _by_name(frame)

    assert drafted["year"]["min"] <= 2007 and drafted["year"]["max"] >= 2009
    assert (drafted["mass"]["min"], drafted["mass"]["max"]) == (2340, 6660)


def test_codes_scales_and_weights_are_flagged_for_a_decision() -> None:
    rng = np.random.default_rng(0)
    rows = 400
    frame = pd.DataFrame(
        {
            "religiousness": rng.integers(1, 6, rows).astype(str),  # a 1-5 scale
            "state": rng.choice(["01", "06", "36", "48"], rows),  # FIPS codes
            "income": rng.normal(50_000, 9_000, rows).round(2).astype(str),
            "perwt": rng.uniform(20, 400, rows).round(1).astype(str),
        }
    )

    drafted = _by_name(frame)

    assert drafted["religiousness"]["checks"] == [
        "5 whole values (1, 2, 3, 4, 5): a code or a scale? Codes name groups (a "
        "category with these values); a scale or a count stays a number"
    ]
    assert drafted["state"]["checks"][0].startswith(
        "written with leading zeros (01, 06): a code?"
    )
    assert drafted["income"]["checks"] == []
    assert drafted["perwt"]["checks"] == [
        "a sample weight (its name)? If it says how much the row counts (a survey "
        "weight), `role: weight` makes training and evaluation count each row by it; a "
        "measured quantity (a body weight) stays a feature"
    ]


def test_a_dirty_export_flags_rare_classes_sentinels_rare_categories_bad_dates() -> (
    None
):
    rng = np.random.default_rng(3)
    rows = 600
    frame = pd.DataFrame(
        {
            "answer": rng.choice(["yes", "no"], rows).astype(object),
            "age": rng.integers(18, 90, rows).astype(str).astype(object),
            "tier": rng.choice(["basic", "plus"], rows).astype(object),
            "joined": pd.date_range("2020-01-01", periods=rows, freq="D")
            .strftime("%Y-%m-%d")
            .astype(object),
        }
    )
    frame.loc[7, "answer"] = "maybe"  # a class seen once
    frame.loc[[3, 40, 99], "age"] = "-999"  # a missing-value code
    frame.loc[11, "tier"] = "gold"  # a category seen once
    frame.loc[[5, 6], "joined"] = ["2024-13-45", "31/12/2024"]  # not dates
    # A mostly empty comment: its values are rare among all rows, not its own few.
    frame["comment"] = [""] * rows
    frame.loc[:39, "comment"] = "nest incomplete"
    frame.loc[40, "comment"] = "no blood sample"

    drafted = _by_name(frame, target="answer")

    assert drafted["answer"]["values"] == ["maybe", "no", "yes"]
    assert drafted["answer"]["checks"] == [
        "class 'maybe' has 1 row: the first run stops at the split gate (every class "
        "in every split). Merge it into another class in the data, or drop it from "
        "`values` (its rows are then quarantined)"
    ]
    assert drafted["age"]["min"] >= 0  # the range of the real ages
    assert drafted["age"]["checks"] == [
        "-999 (3 rows): a code for missing? The range leaves it out, so the first run "
        "quarantines those rows (out of range); add it to the source's "
        "`missing_values` to read it as missing"
    ]
    assert drafted["tier"]["checks"] == [
        "rare: 'gold' (1 row): kept in `values`, though the model learns little from "
        "so few rows; drop one from `values` to quarantine its rows"
    ]
    assert drafted["comment"]["checks"] == [
        "rare: 'no blood sample' (1 row): kept in `values`, though the model learns "
        "little from so few rows; drop one from `values` to quarantine its rows"
    ]
    assert drafted["joined"]["checks"] == [
        "2 values do not read as %Y-%m-%d (e.g. ['2024-13-45', '31/12/2024']): the "
        "first run quarantines their rows (not a date)"
    ]


def test_ambiguous_dates_are_flagged() -> None:
    frame = pd.DataFrame({"when": ["01/02/2020", "03/04/2020", "05/06/2020"]})

    (column,) = draft_columns(frame)

    assert column.fields["format"] == "%d/%m/%Y"
    assert column.checks == ["also reads as ['%m/%d/%Y']: which is it?"]


def test_the_target_becomes_a_category_and_keys_are_proposed() -> None:
    frame = pd.DataFrame(
        {"id": ["a", "b", "c"], "y": ["1", "0", "1"], "x": ["1", "2", "3"]}
    )
    columns = draft_columns(frame, target="y")

    assert columns[1].fields == {
        "type": "category",
        "role": "target",
        "values": ["0", "1"],
    }
    assert key_candidates(frame, columns) == ["id", "x"]


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "conf", tmp_path / "conf")
    lay_fixture(tmp_path / "conf")  # the churn example, whatever conf/base holds
    return tmp_path / "conf"


def _load(conf: Path, name: str, env: str = "base") -> dict:
    return OmegaConf.to_container(OmegaConf.load(conf / env / name))


def test_a_new_file_replaces_the_example_which_moves_to_its_own_environment(
    conf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "penguins raw.csv"
    source.write_bytes(
        "Species;Body Mass (g);Island;Comment\n"
        "Adelie;3750;Torgersen;caf\xe9\nGentoo;5000;Biscoe;\nAdelie;3800;Dream;ok\n".encode(
            "latin-1"
        )
    )

    assert main([str(source), "--target", "Species", "--conf", str(conf)]) == 0

    raw = _load(conf, "contract.yml")["contract"]
    raw["as_of_date"] = "2026-01-01"  # ${globals:as_of_date} in the file
    contract = parse_contract(raw)
    assert list(contract.sources) == ["penguins"]
    assert contract.target == "species"
    assert contract.entity.raw_name("body_mass_g") == "Body Mass (g)"
    entry = _load(conf, "catalog_sources.yml")["penguins_raw"]
    assert entry["load_args"] == {
        "dtype": "str",
        "keep_default_na": False,
        "encoding": "latin-1",
        "sep": ";",
    }
    assert entry["validator"]["options"] == {"suite": "penguins_raw"}
    # The Spark route reads the same file with Spark's names for the same options.
    spark = _load(conf, "catalog_sources.yml", env="spark")
    assert list(spark) == ["penguins_raw"]
    assert spark["penguins_raw"]["filepath"] == str(source)
    assert spark["penguins_raw"]["file_format"] == "csv"
    assert spark["penguins_raw"]["load_args"] == {
        "header": True,
        "inferSchema": False,
        "sep": ";",
        "encoding": "latin-1",
    }
    assert spark["penguins_raw"]["validator"] == entry["validator"]
    said = capsys.readouterr().out
    assert (
        "Moved contract.yml, catalog_sources.yml, globals.yml, expectations, "
        f"parameters_model_card.yml from {conf / 'base'} to {conf / 'example'} (still "
        "runnable: kedro run --env example, its outputs under data/example)."
    ) in said
    assert f"To undo: git checkout -- {conf} && git clean -fd {conf}" in said
    assert f"penguins_raw in {conf / 'base' / 'catalog_sources.yml'}" in said
    assert f"(for --env spark: {conf / 'spark' / 'catalog_sources.yml'})" in said
    example = _load(conf, "contract.yml", env="example")["contract"]
    assert list(example["sources"]) == ["customers", "usage", "tickets"]
    assert _load(conf, "globals.yml", env="example")["data_dir"] == "data/example"
    assert (
        _load(conf, "globals.yml")["model_name"] == "penguins"
    )  # catalog.yml needs it
    # The example's model card text moves too; the new one asks to be written.
    card = _load(conf, "parameters_model_card.yml")["model_card"]
    assert card["intended_use"].startswith("CHECK:")
    assert (
        "retention"
        in _load(conf, "parameters_model_card.yml", env="example")["model_card"][
            "intended_use"
        ]
    )


def test_an_event_file_is_added_with_its_join(conf: Path, tmp_path: Path) -> None:
    source = tmp_path / "visits.csv"
    source.write_text("customer_id,minutes\nC0000001,3\nC0000002,5\nC0000001,7\n")

    assert main([str(source), "--join-by", "customer_id", "--conf", str(conf)]) == 0

    raw = _load(conf, "contract.yml")["contract"]
    raw["as_of_date"] = "2026-06-30"
    visits = parse_contract(raw).events["visits"]
    assert visits.join.by == ["customer_id"]
    assert visits.columns["customer_id"].role == "id"  # kept: the join needs it
    assert visits.join.aggregates == {
        "n_visits": ("customer_id", "size"),
        "avg_minutes": ("minutes", "mean"),
    }
    assert "visits_raw" in _load(conf, "catalog_sources.yml")
    spark = _load(conf, "catalog_sources.yml", env="spark")
    assert {"customers_raw", "visits_raw"} <= set(spark)
    assert spark["visits_raw"]["load_args"] == {"header": True, "inferSchema": False}


def test_a_missing_target_says_which_columns_there_are(
    conf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "flat.csv"
    source.write_text("a,b\n1,2\n")

    assert main([str(source), "--conf", str(conf)]) == 2
    assert "TARGET=<one of ['a', 'b']>" in capsys.readouterr().err


@pytest.mark.slow
def test_a_drafted_contract_trains_end_to_end(tmp_path: Path) -> None:
    """`make contract` then `make run`, as docs/adapting.md tells a new user."""
    project = tmp_path / "project"
    copy_project(project)
    rng = np.random.default_rng(0)
    n = 400
    mass = rng.normal(4200, 800, n).round()
    island = rng.choice(["Biscoe", "Dream", "Torgersen"], n)
    species = np.where(
        mass > 4700, "Gentoo", np.where(island == "Dream", "Chinstrap", "Adelie")
    )
    frame = pd.DataFrame(
        {
            "Sample Number": [f"N{i}" for i in range(n)],
            "Body Mass (g)": mass.astype(str),
            "Island": island,
            "Species": species,
        }
    )
    frame.loc[rng.random(n) < 0.03, "Body Mass (g)"] = "NA"
    source = project / "data/01_raw/penguins.csv"
    source.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(source, index=False)

    assert (
        main([str(source), "--target", "Species", "--conf", str(project / "conf")]) == 0
    )
    run_session(project)

    (record,) = (project / "data/runs").glob("*.json")
    (card,) = (project / "data/08_reporting/model_card.md").glob("*/model_card.md")
    text = card.read_text()
    assert text.startswith("# Model card: penguins v1")
    assert "CHECK: what the model predicts" in text  # the draft asks to be written
    (metrics,) = (project / "data/08_reporting/evaluation_metrics.json").glob("*/*")
    assert json.loads(metrics.read_text())["oracle"] is None  # no true probabilities
    assert json.loads(record.read_text())["model_version"] == "1"
