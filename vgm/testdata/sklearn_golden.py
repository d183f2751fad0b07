#!/usr/bin/python3
"""Golden fits of scikit-learn's BayesianGaussianMixture for package vgm.

Writes vgm/testdata/sklearn_golden.json, which vgm's Go tests read (CI has no
scikit-learn; only the committed JSON and CSV fixtures are used there).

How to regenerate, from the repository root:

    apt-get update && apt-get install -y python3-sklearn
    go run ./vgm/testdata/mkflights.go        # only if flights.csv.gz is missing
    /usr/bin/python3 vgm/testdata/sklearn_golden.py

Use /usr/bin/python3: another python3 may shadow it on PATH.

Inputs (committed):
  seattle.csv      precipitation, temp_max, temp_min, wind of
                   shared/data/seattle-weather.csv, all 1461 rows in file
                   order (recreated from that file with --seattle PATH).
  flights.csv.gz   delay and distance of every 48th row of
                   shared/data/flights-3m.parquet (see mkflights.go).

Split: row i (0-based, file order) is held out when i % 5 == 4; the other
rows are the training set (50,000 for flights, 1,169 for seattle).

For every column the script fits
    BayesianGaussianMixture(n_components=10,
        weight_concentration_prior_type='dirichlet_process',
        weight_concentration_prior=0.001, covariance_type='full', tol=1e-3,
        reg_covar=1e-6, max_iter=100, n_init=1, init_params='kmeans',
        random_state=0)
(CTGAN's settings) on the training values and records the fitted weights_,
means_ and sqrt(covariances_), n_iter_, converged_, lower_bound_, the fit
time, and three held-out scores (mean nats per value):
  score             sklearn's score(): the variational expected log density;
  plugin_ll         log density of the plug-in mixture (weights_, means_,
                    covariances_) with all components;
  plugin_ll_thresh  the same after dropping weights <= 0.005 and
                    renormalising, as CTGAN does.

In addition, "updates" records scikit-learn's exact iterates from a fixed
initialisation, to check that vgm implements the same update equations: the
distinct training values of each column in UPDATE_COLUMNS, in ascending
order, are cut into 10 contiguous chunks of equal count (numpy.array_split);
every row whose value lies in chunk c starts one-hot in component
UPDATE_PERM[c]; then _initialize and 1, 10 and 100 plain E/M iterations
(no convergence test) are run through scikit-learn's own private methods,
and weights_, means_ and sqrt(covariances_) are recorded after each.

    /usr/bin/python3 vgm/testdata/sklearn_golden.py --time PATH.csv.gz

times one fit on the first column of a gzipped CSV instead (used for the
1M-value timing comparison; see mkflights.go -every 3).

    /usr/bin/python3 vgm/testdata/sklearn_golden.py --bimodal

writes bimodal.csv (5,000 rounded draws, 60% from N(20, 3) and 40% from
N(120, 30), numpy default_rng(11)) and sklearn_bimodal.json: held-out
thresholded plug-in scores of ten fits (random_state 0 to 9) and their
median, which TestSklearnBimodal compares with the median of vgm's seeds.
"""

import argparse
import csv
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import sklearn
from scipy.special import logsumexp
from sklearn.mixture import BayesianGaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))
SEATTLE_COLUMNS = ["precipitation", "temp_max", "temp_min", "wind"]
FLIGHTS_COLUMNS = ["delay", "distance"]
THRESHOLD = 0.005
UPDATE_COLUMNS = [("seattle", "temp_max"), ("seattle", "precipitation"), ("flights", "delay")]
UPDATE_PERM = [3, 7, 0, 9, 1, 5, 2, 8, 4, 6]
UPDATE_ITERS = [1, 10, 100]


def model():
    return BayesianGaussianMixture(
        n_components=10,
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=0.001,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        random_state=0,
    )


def read_csv(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return {name: np.array([float(r[i]) for r in body]) for i, name in enumerate(header)}


def write_seattle(src):
    with open(src, newline="") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(HERE, "seattle.csv"), "w", newline="") as f:
        f.write(",".join(SEATTLE_COLUMNS) + "\n")
        for r in rows:
            f.write(",".join(r[c] for c in SEATTLE_COLUMNS) + "\n")


def split(x):
    idx = np.arange(len(x))
    return x[idx % 5 != 4], x[idx % 5 == 4]


def plugin_ll(weights, means, stds, x):
    w = np.asarray(weights)
    m = np.asarray(means)
    s = np.asarray(stds)
    z = (x[:, None] - m[None, :]) / s[None, :]
    lp = np.log(w)[None, :] - np.log(s)[None, :] - 0.5 * math.log(2 * math.pi) - 0.5 * z * z
    return float(np.mean(logsumexp(lp, axis=1)))


def fit_column(name, x):
    train, held = split(x)
    gm = model()
    t0 = time.perf_counter()
    gm.fit(train.reshape(-1, 1))
    seconds = time.perf_counter() - t0
    weights = gm.weights_.tolist()
    means = gm.means_.ravel().tolist()
    stds = np.sqrt(gm.covariances_.ravel()).tolist()
    keep = [i for i, w in enumerate(weights) if w > THRESHOLD]
    kw = np.array([weights[i] for i in keep])
    kw = kw / kw.sum()
    return {
        "column": name,
        "n_train": int(len(train)),
        "n_heldout": int(len(held)),
        "weights": weights,
        "means": means,
        "stds": stds,
        "n_iter": int(gm.n_iter_),
        "converged": bool(gm.converged_),
        "lower_bound": float(gm.lower_bound_),
        "fit_seconds": seconds,
        "score": float(gm.score(held.reshape(-1, 1))),
        "plugin_ll": plugin_ll(weights, means, stds, held),
        "plugin_ll_thresh": plugin_ll(kw, [means[i] for i in keep], [stds[i] for i in keep], held),
    }


def trace_updates(name, x):
    train, _ = split(x)
    X = train.reshape(-1, 1)
    chunks = np.array_split(np.unique(train), 10)
    resp = np.zeros((len(train), 10))
    for c, vals in enumerate(chunks):
        resp[np.isin(train, vals), UPDATE_PERM[c]] = 1
    gm = model()
    gm._check_parameters(X)
    gm._initialize(X, resp)
    out = {"column": name, "perm": UPDATE_PERM, "iterates": []}
    done = 0
    for n in UPDATE_ITERS:
        while done < n:
            _, log_resp = gm._e_step(X)
            gm._m_step(X, log_resp)
            done += 1
        gm._set_parameters(gm._get_parameters())
        out["iterates"].append({
            "iterations": n,
            "weights": gm.weights_.tolist(),
            "means": gm.means_.ravel().tolist(),
            "stds": np.sqrt(gm.covariances_.ravel()).tolist(),
        })
    return out


def time_fit(path):
    cols = read_csv(path)
    name = next(iter(cols))
    x = cols[name]
    gm = model()
    t0 = time.perf_counter()
    gm.fit(x.reshape(-1, 1))
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "column": name, "n": int(len(x)), "fit_seconds": seconds,
        "n_iter": int(gm.n_iter_), "converged": bool(gm.converged_),
        "lower_bound": float(gm.lower_bound_),
        "weights": gm.weights_.tolist(),
        "means": gm.means_.ravel().tolist(),
        "stds": np.sqrt(gm.covariances_.ravel()).tolist(),
    }, indent=1))


BIMODAL_SEEDS = 10


def bimodal():
    """Writes bimodal.csv, a bimodal integer column, and sklearn_bimodal.json:
    the thresholded plug-in held-out log density of fits with random_state
    0 to BIMODAL_SEEDS-1, and their median."""
    rng = np.random.default_rng(11)
    n = 5000
    low = rng.random(n) < 0.6
    x = np.where(low, np.round(rng.normal(20, 3, n)), np.round(rng.normal(120, 30, n)))
    x = np.clip(x, 0, None).astype(int)
    with open(os.path.join(HERE, "bimodal.csv"), "w") as f:
        f.write("v\n")
        f.writelines(f"{v}\n" for v in x)
    train, held = split(x.astype(float))
    lls, iters = [], []
    for seed in range(BIMODAL_SEEDS):
        gm = model().set_params(random_state=seed).fit(train.reshape(-1, 1))
        w = gm.weights_
        keep = w > THRESHOLD
        lls.append(plugin_ll(w[keep] / w[keep].sum(), gm.means_.ravel()[keep],
                             np.sqrt(gm.covariances_.ravel())[keep], held))
        iters.append(int(gm.n_iter_))
    out = {
        "sklearn_version": sklearn.__version__,
        "distinct": int(len(np.unique(x))),
        "n_train": int(len(train)),
        "n_heldout": int(len(held)),
        "n_iter": iters,
        "plugin_ll_thresh": lls,
        "median": float(np.median(lls)),
    }
    with open(os.path.join(HERE, "sklearn_bimodal.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bimodal", action="store_true",
                    help="write bimodal.csv and sklearn_bimodal.json instead (see bimodal)")
    ap.add_argument("--seattle", help="recreate seattle.csv from this seattle-weather.csv")
    ap.add_argument("--time", help="time one fit on the first column of this CSV instead")
    args = ap.parse_args()
    if args.bimodal:
        bimodal()
        return
    if args.time:
        time_fit(args.time)
        return
    if args.seattle:
        write_seattle(args.seattle)
    datasets = [
        ("seattle", os.path.join(HERE, "seattle.csv"), SEATTLE_COLUMNS),
        ("flights", os.path.join(HERE, "flights.csv.gz"), FLIGHTS_COLUMNS),
    ]
    results = []
    for dataset, path, columns in datasets:
        cols = read_csv(path)
        for c in columns:
            r = fit_column(c, cols[c])
            r["dataset"] = dataset
            results.append(r)
            print(f"{dataset}.{c}: {r['n_iter']} iterations, score {r['score']:.4f}, "
                  f"plug-in {r['plugin_ll']:.4f} ({r['plugin_ll_thresh']:.4f} thresholded)",
                  file=sys.stderr)
    updates = []
    for dataset, column in UPDATE_COLUMNS:
        path = next(p for d, p, _ in datasets if d == dataset)
        u = trace_updates(column, read_csv(path)[column])
        u["dataset"] = dataset
        updates.append(u)
    out = {
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "split": "row i held out when i % 5 == 4",
        "threshold": THRESHOLD,
        "columns": results,
        "updates": updates,
    }
    with open(os.path.join(HERE, "sklearn_golden.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
