#!/usr/bin/python3
"""scikit-learn on the documents bench/text/run.ts wrote: the same steps, timed, and the same held-out scores.
Prints JSON {steps: {name: seconds}, holdout: {name: {f1, predictedSpam}}}.

    /usr/bin/python3 bench/text/sklearn_reference.py DOCS.json N_FEATURES COPIES BATCH
"""
import json
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import f1_score
from sklearn.naive_bayes import ComplementNB, MultinomialNB

path, n_features, copies, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(path, encoding="utf-8") as f:
    data = json.load(f)
texts, labels, split = data["texts"], data["labels"], data["split"]
many = texts * copies
many_labels = labels * copies
steps = {}


def timed(name, run):
    start = time.perf_counter()
    value = run()
    steps[name] = time.perf_counter() - start
    return value


vectorizer = HashingVectorizer(n_features=n_features, alternate_sign=False, norm=None)
X = timed("vectorize", lambda: vectorizer.transform(many))
T = timed("tfidf", lambda: TfidfTransformer().fit_transform(X))
timed("multinomialNB", lambda: MultinomialNB().fit(X, many_labels))


def sgd_pass():
    m = SGDClassifier(loss="log_loss", random_state=0)
    for start in range(0, T.shape[0], batch):
        m.partial_fit(T[start:start + batch], many_labels[start:start + batch], classes=["ham", "spam"])
    return m


timed("sgdPass", sgd_pass)
# One epoch of a network with 32 hidden units over the TF-IDF rows, in batches of 200 (scikit-learn's default).
from sklearn.neural_network import MLPClassifier  # noqa: E402

timed("mlpEpoch", lambda: MLPClassifier(hidden_layer_sizes=(32,), batch_size=200, random_state=0)
      .partial_fit(T, many_labels, classes=["ham", "spam"]))

counts = vectorizer.transform(texts)
train, test = counts[:split], counts[split:]
y_train, y_test = labels[:split], labels[split:]
tf = TfidfTransformer().fit(train)
holdout = {}
for name, model, rows in [("multinomialNB", MultinomialNB(), (train, test)),
                          ("complementNB", ComplementNB(), (train, test)),
                          ("sgdLogLoss", SGDClassifier(loss="log_loss", random_state=0), (tf.transform(train), tf.transform(test)))]:
    predicted = model.fit(rows[0], y_train).predict(rows[1])
    holdout[name] = {"f1": float(f1_score(y_test, predicted, pos_label="spam")),
                     "predictedSpam": int(np.sum(predicted == "spam"))}
print(json.dumps({"steps": steps, "nnz": int(X.nnz), "holdout": holdout}))
