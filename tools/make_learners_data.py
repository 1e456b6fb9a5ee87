"""Write the worked example of docs/adapting.md: an online-course platform's learners.

Shaped unlike the churn data on purpose: a different id, a three-class target
(dropped / completed / certified), weekly rather than monthly events, forum posts rather
than tickets, and a little dirt (stray case and spaces, blanks, a few invalid rows) for
the cleaning and the gates to handle. Run once; the output is committed under
data/01_raw/learners/ and read by `kedro run --env learners`.

    .venv/bin/python tools/make_learners_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

N_LEARNERS = 2500
N_WEEKS = 12
AS_OF = pd.Timestamp("2026-03-30")  # a Monday: the last week in the data
OUT = Path(__file__).resolve().parents[1] / "data/01_raw/learners"
COUNTRIES = ["de", "fr", "in", "us", "br"]
TRACKS = ["data", "web", "design"]
DEVICES = ["desktop", "mobile"]
OUTCOMES = np.array(["dropped", "completed", "certified"])


def main(seed: int = 11) -> None:
    """Generate and write learners.csv, activity.parquet and forum_posts.csv."""
    rng = np.random.default_rng(seed)
    learners, engagement, decline = _learners(rng)
    activity = _activity(rng, learners, engagement, decline)
    posts = _posts(rng, learners, engagement)
    OUT.mkdir(parents=True, exist_ok=True)
    _dirty(rng, learners).to_csv(OUT / "learners.csv", index=False)
    activity.to_parquet(OUT / "activity.parquet", index=False)
    posts.to_csv(OUT / "forum_posts.csv", index=False)
    print(
        f"{len(learners)} learners, {len(activity)} activity rows, {len(posts)} posts",
        learners["outcome"].value_counts().to_dict(),
    )


def _learners(rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    n = N_LEARNERS
    track = rng.choice(TRACKS, n, p=[0.45, 0.35, 0.2])
    device = rng.choice(DEVICES, n, p=[0.6, 0.4])
    prior = rng.poisson(1.5, n)
    goal = np.round(rng.gamma(3.0, 1.5, n), 1)
    engagement = (
        rng.normal(0, 1, n) + 0.25 * prior + 0.15 * goal - 0.4 * (device == "mobile")
    )
    engagement -= engagement.mean()
    decline = rng.normal(0, 1, n) - 0.6 * engagement
    scores = np.column_stack(
        [
            -1.3 * engagement + 0.9 * decline - 0.4,
            np.zeros(n),
            1.1 * engagement - 0.5 * decline + 0.5 * (track == "data") - 0.3,
        ]
    )
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    outcome = OUTCOMES[(probabilities.cumsum(axis=1) > rng.random((n, 1))).argmax(1)]
    enrolled = AS_OF - pd.to_timedelta(rng.integers(N_WEEKS * 7, 300, n), unit="D")
    learners = pd.DataFrame(
        {
            "learner_id": [f"L-{i:05d}" for i in range(1, n + 1)],
            "enrolled_on": enrolled.strftime("%Y-%m-%d"),
            "country": rng.choice(COUNTRIES, n),
            "track": track,
            "device": device,
            "prior_courses": prior.astype(str),
            "weekly_goal_hours": goal.astype(str),
            "outcome": outcome,
        }
    )
    return learners, engagement, decline


def _activity(
    rng: np.random.Generator,
    learners: pd.DataFrame,
    engagement: np.ndarray,
    decline: np.ndarray,
) -> pd.DataFrame:
    weeks = pd.date_range(end=AS_OF, periods=N_WEEKS, freq="7D")
    learner = np.repeat(np.arange(len(learners)), N_WEEKS)
    week = np.tile(np.arange(N_WEEKS), len(learners))
    drift = 1.0 - 0.05 * decline[learner] * (week - N_WEEKS / 2) / N_WEEKS * 4
    minutes = np.exp(4.2 + 0.35 * engagement[learner] + rng.normal(0, 0.4, len(week)))
    minutes = np.clip(minutes * drift, 0, None)
    active = rng.random(len(week)) < 1 / (1 + np.exp(-(0.8 + engagement[learner])))
    frame = pd.DataFrame(
        {
            "learner_id": learners["learner_id"].to_numpy()[learner],
            "week": weeks[week],
            "minutes": np.round(minutes, 1),
            "lessons": rng.poisson(minutes / 30),
            "quiz_score": np.clip(
                np.round(60 + 12 * engagement[learner] + rng.normal(0, 10, len(week))),
                0,
                100,
            ),
        }
    )[active]
    frame.loc[frame.sample(frac=0.02, random_state=1).index, "quiz_score"] = np.nan
    return frame.reset_index(drop=True)


def _posts(
    rng: np.random.Generator, learners: pd.DataFrame, engagement: np.ndarray
) -> pd.DataFrame:
    counts = rng.poisson(np.exp(0.2 + 0.5 * engagement))
    learner = np.repeat(np.arange(len(learners)), counts)
    n = len(learner)
    return pd.DataFrame(
        {
            "post_id": [f"P{i:06d}" for i in range(1, n + 1)],
            "learner_id": learners["learner_id"].to_numpy()[learner],
            "posted_at": (
                AS_OF - pd.to_timedelta(rng.integers(0, 84, n), unit="D")
            ).strftime("%Y-%m-%d"),
            "kind": rng.choice(["question", "answer", "comment"], n, p=[0.4, 0.2, 0.4]),
            "upvotes": rng.poisson(1.0 + np.clip(engagement[learner], 0, None)),
        }
    )


def _dirty(rng: np.random.Generator, learners: pd.DataFrame) -> pd.DataFrame:
    """What exports look like: stray case and spaces, blanks, a few invalid rows."""
    dirty = learners.copy()
    rows = rng.choice(len(dirty), 60, replace=False)
    dirty.loc[rows[:20], "track"] = dirty.loc[rows[:20], "track"].str.upper() + " "
    dirty.loc[rows[20:40], "weekly_goal_hours"] = ""
    dirty.loc[rows[40:45], "weekly_goal_hours"] = "-2.0"  # quarantined
    dirty.loc[rows[45:50], "country"] = "xx"  # outside the vocabulary -> missing
    return dirty


if __name__ == "__main__":
    main()
