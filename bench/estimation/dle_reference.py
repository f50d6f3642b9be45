#!/usr/bin/python3
"""DLE's cost in scikit-learn: two HistGradientBoostingRegressor loss models (absolute and squared error, default
parameters with early stopping, as DirectLossEstimator's) fitted on the reference bench/estimation/run.ts wrote, then the time to predict
both on WINDOWS windows of the rows it wrote (best of REPEATS). Prints JSON {seconds, fitSeconds, iterations, mae}.

    /usr/bin/python3 bench/estimation/dle_reference.py DIR REFERENCE_ROWS ROWS COLS WINDOWS REPEATS
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

folder = sys.argv[1]
reference_rows, rows, cols, windows, repeats = (int(v) for v in sys.argv[2:7])
reference = np.fromfile(f"{folder}/reference.bin", dtype=np.float64).reshape(reference_rows, cols)
error = np.fromfile(f"{folder}/error.bin", dtype=np.float64)
window = np.fromfile(f"{folder}/window.bin", dtype=np.float64).reshape(rows, cols)

start = time.perf_counter()
absolute = HistGradientBoostingRegressor(early_stopping=True, random_state=0).fit(reference, np.abs(error))
squared = HistGradientBoostingRegressor(early_stopping=True, random_state=0).fit(reference, error**2)
fit_seconds = time.perf_counter() - start


def estimate():
    """Both loss models on every window, as DLE predicts them; the windows' estimated MAE."""
    maes = []
    for _ in range(windows):
        maes.append(float(np.mean(np.maximum(0, absolute.predict(window)))))
        squared.predict(window)
    return maes


seconds, value = float("inf"), None
for _ in range(repeats):
    start = time.perf_counter()
    value = estimate()
    seconds = min(seconds, time.perf_counter() - start)
print(json.dumps({"seconds": seconds, "fitSeconds": fit_seconds,
                  "iterations": [int(absolute.n_iter_), int(squared.n_iter_)], "mae": value[0]}))
