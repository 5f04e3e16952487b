#!/usr/bin/env python3
"""scikit-learn reference for CareFlowModels' parity test and benchmark.

Usage: parity.py DIR [DIR...]
Each DIR holds data.csv and spec.json written by the Swift ReferenceExport: the model's raw
features, label and the fold the Swift side assigned to each row. On exactly those folds this
runs the same preprocessing (median imputation with missing indicators, one-hot for categories,
standardisation) and fits LogisticRegression(C=1.0) and HistGradientBoostingClassifier with
their defaults. Prints one JSON object: {name: {"lr": {...}, "gbt": {...}}}.
"""
import csv
import json
import sys
import time

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def load(directory):
    with open(f"{directory}/spec.json") as handle:
        spec = json.load(handle)
    with open(f"{directory}/data.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    numeric = np.array(
        [[float(row[name]) if row[name] != "" else np.nan for name in spec["numeric"]] for row in rows],
        dtype=float,
    ).reshape(len(rows), len(spec["numeric"]))
    # Each category as its rank among the column's values: one-hot encoding sorts categories, so
    # the codes give the same columns in the same order as the strings, and the whole design
    # matrix stays float (an object array cost more to convert in every fit than the fits).
    codes = []
    for name in spec["categorical"]:
        values = [row[name] for row in rows]
        rank = {value: float(index) for index, value in enumerate(sorted(set(values)))}
        codes.append([rank[value] for value in values])
    categorical = np.array(codes, dtype=float).T.reshape(len(rows), len(spec["categorical"]))
    labels = np.array([int(row["label"]) for row in rows])
    folds = np.array([int(row["fold"]) for row in rows])
    return spec, numeric, categorical, labels, folds


def preprocessing(n_numeric, n_categorical, scale):
    parts = [("numeric", SimpleImputer(strategy="median", add_indicator=True), list(range(n_numeric)))]
    if n_categorical:
        parts.append(
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                list(range(n_numeric, n_numeric + n_categorical)),
            )
        )
    steps = [ColumnTransformer(parts)]
    if scale:
        steps.append(StandardScaler())
    return steps


def evaluate(learner, numeric, categorical, labels, folds, spec):
    x = np.concatenate([numeric, categorical], axis=1)
    n_numeric, n_categorical = numeric.shape[1], categorical.shape[1]
    probabilities = np.zeros(len(labels))
    by_fold = []
    started = time.perf_counter()
    for fold in range(spec["folds"]):
        train, test = folds != fold, folds == fold
        if learner == "lr":
            # tol/max_iter tightened so lbfgs reaches the optimum the Swift Newton solver finds.
            model = LogisticRegression(C=1.0, max_iter=5000, tol=1e-8)
            pipeline = make_pipeline(*preprocessing(n_numeric, n_categorical, True), model)
        else:
            model = HistGradientBoostingClassifier(random_state=0)
            pipeline = make_pipeline(*preprocessing(n_numeric, n_categorical, False), model)
        pipeline.fit(x[train], labels[train])
        predicted = pipeline.predict_proba(x[test])[:, 1]
        probabilities[test] = predicted
        by_fold.append(roc_auc_score(labels[test], predicted))
    seconds = time.perf_counter() - started
    return {
        "rocAUC": float(np.mean(by_fold)),
        "rocAUCByFold": [float(v) for v in by_fold],
        "averagePrecision": float(average_precision_score(labels, probabilities)),
        "brier": float(brier_score_loss(labels, probabilities)),
        "seconds": seconds,
    }


def main(directories):
    results = {}
    for directory in directories:
        spec, numeric, categorical, labels, folds = load(directory)
        results[spec["name"]] = {
            learner: evaluate(learner, numeric, categorical, labels, folds, spec) for learner in ("lr", "gbt")
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
