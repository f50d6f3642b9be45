#!/usr/bin/python3
"""Writes elec2-predictions.csv: a model trained once on Elec2's first four weeks, scoring the rest.

    /usr/bin/python3 data/examples/make_elec2_predictions.py

The model (scikit-learn LogisticRegression, default settings) never sees later data, so its predictions show
the decay that concept drift causes. Columns: row (index in elec2.csv), class (true label), pred (predicted
label), score (predicted probability of class 1).
"""
import os

import pandas as pd
from sklearn.linear_model import LogisticRegression

here = os.path.dirname(os.path.abspath(__file__))
elec = pd.read_csv(os.path.join(here, "..", "elec2.csv"))
features = ["period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"]
train_rows = 48 * 28  # one row every 30 minutes: four weeks
train, rest = elec.iloc[:train_rows], elec.iloc[train_rows:]
model = LogisticRegression().fit(train[features], train["class"])
out = pd.DataFrame({
    "row": rest.index,
    "class": rest["class"],
    "pred": model.predict(rest[features]),
    "score": model.predict_proba(rest[features])[:, 1].round(6),
})
out.to_csv(os.path.join(here, "elec2-predictions.csv"), index=False)
print(f"wrote {len(out)} rows; accuracy {(out['class'] == out['pred']).mean():.4f}")

# scikit-learn's figures for the same file, which the `steward eval` test compares against
import json

from sklearn import metrics

y, pred, score = out["class"], out["pred"], out["score"]
expected = {
    "accuracy": metrics.accuracy_score(y, pred),
    "balancedAccuracy": metrics.balanced_accuracy_score(y, pred),
    "precision": metrics.precision_score(y, pred),
    "recall": metrics.recall_score(y, pred),
    "f1": metrics.f1_score(y, pred),
    "matthewsCorrcoef": metrics.matthews_corrcoef(y, pred),
    "rocAuc": metrics.roc_auc_score(y, score),
    "averagePrecision": metrics.average_precision_score(y, score),
    "logLoss": metrics.log_loss(y, score),
    "brierScore": metrics.brier_score_loss(y, score),
}
with open(os.path.join(here, "elec2-predictions.expected.json"), "w") as f:
    json.dump({"metrics": expected, "confusionMatrix": metrics.confusion_matrix(y, pred).tolist()}, f, indent=2)
