"""Elec2 under the backtest's protocol, in scikit-learn: a reference for Steward's daily retraining.

Rows in order (half-hours), labels 48 rows (a day) late, version 1 on the first 1,344 rows (28 days); at the start
of every day a model is fitted on the last 1,344 rows whose labels have arrived (rows up to 48 before) and predicts
that day's 48 rows. No gate, no held-out rows: what "retrain daily, promote always" scores with scikit-learn's
HistGradientBoostingClassifier. Label-history features as Steward computes them with a one-day delay:
upYesterday (the same half-hour a day before) and upShareDay (the share of 1 among the 48 newest known labels), and
in the four-feature set also upLastWeek and upTwoWeeksAgo (the same half-hour 7 and 14 days before).

    /usr/bin/python3 bench/efficacy/sklearn_reference.py data/elec2.csv   # prints JSON
"""
import json
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier

DAY = 48
WINDOW = 28 * DAY


def main(path: str) -> None:
    data = pd.read_csv(path)
    y = data["class"].to_numpy(dtype=float)
    served = data.drop(columns=["class"]).to_numpy(dtype=float)
    known = pd.Series(y).shift(DAY)  # the newest label known at row t is row t - 48's
    label_history = np.column_stack(
        [known.to_numpy(), known.rolling(DAY, min_periods=1).mean().to_numpy()]
    )
    weeks = np.column_stack(
        [pd.Series(y).shift(7 * DAY).to_numpy(), pd.Series(y).shift(14 * DAY).to_numpy()]
    )
    configs = {
        "default": ({}, served),
        "shallow": ({"max_depth": 3, "max_leaf_nodes": 8}, served),
        "shallow+labelHistory": (
            {"max_depth": 3, "max_leaf_nodes": 8},
            np.column_stack([served, label_history]),
        ),
        "shallow+labelHistory4": (
            {"max_depth": 3, "max_leaf_nodes": 8},
            np.column_stack([served, label_history, weeks]),
        ),
    }
    results = {}
    for name, (params, X) in configs.items():
        correct = 0
        total = 0
        for start in range(WINDOW, len(y), DAY):
            end = start - DAY
            model = HistGradientBoostingClassifier(random_state=0, **params)
            model.fit(X[max(0, end - WINDOW) : end], y[max(0, end - WINDOW) : end])
            predicted = model.predict(X[start : start + DAY])
            correct += int((predicted == y[start : start + DAY]).sum())
            total += len(predicted)
        results[name] = {"params": params, "accuracy": correct / total, "rows": total}
    print(json.dumps({"sklearn": sklearn.__version__, "results": results}))


if __name__ == "__main__":
    main(sys.argv[1])
