#!/usr/bin/python3
"""Times scikit-learn on the arrays that bench/metrics/run.ts wrote, and prints JSON {metric: {seconds, value}}.

    /usr/bin/python3 bench/metrics/sklearn_reference.py DIR N REPEATS
"""
import json
import sys
import time

import numpy as np
from sklearn import metrics

folder, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def load(name, dtype):
    return np.fromfile(f"{folder}/{name}-{n}.bin", dtype=dtype)


y_bin, score = load("y_bin", np.int32), load("score", np.float64)
y_multi, pred_multi = load("y_multi", np.int32), load("pred_multi", np.int32)
y_reg, pred_reg = load("y_reg", np.float64), load("pred_reg", np.float64)

calls = {
    "rocAuc": lambda: metrics.roc_auc_score(y_bin, score),
    "averagePrecision": lambda: metrics.average_precision_score(y_bin, score),
    "logLoss": lambda: metrics.log_loss(y_bin, score),
    "f1Macro": lambda: metrics.f1_score(y_multi, pred_multi, average="macro"),
    "confusionMatrix": lambda: metrics.confusion_matrix(y_multi, pred_multi),
    "r2": lambda: metrics.r2_score(y_reg, pred_reg),
}
out = {}
for name, call in calls.items():
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        value = call()
        best = min(best, time.perf_counter() - start)
    out[name] = {"seconds": best, "value": np.asarray(value).tolist()}
print(json.dumps(out))
