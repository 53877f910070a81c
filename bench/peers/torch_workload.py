#!/usr/bin/env python3
"""The PyTorch peer of the bench/WORKLOADS.md training benchmark (bench/run.mjs is the seqcast side).

    python3 bench/peers/torch_workload.py --workload ID --data DIR [--threads N] [--budget S]
    python3 bench/peers/torch_workload.py --matmul [--threads N]     torch.mm 2048^3 float32, GFLOP/s

Prints one JSON line (format seqcast-bench/1, peer "pytorch") on stdout, progress on stderr. The data are
the files written by `node bench/data.mjs --out DIR` (bit-identical to what the JavaScript peers use);
without --data they are generated here by the same formula (float64 sines may differ in the last bit).

Models: nn.RNN (tanh) / nn.LSTM / nn.GRU, batch_first, bidirectional for W4, then nn.Linear(U, 1); Keras
initialisation: glorot-uniform input kernels, orthogonal recurrent kernels, zero biases, LSTM forget-gate
bias 1 in bias_ih (bias_hh zero). nn.GRU is reset-after, like Keras's default. Training: Adam(lr=0.001,
eps=1e-7 as Keras), MSELoss, float32, one seeded index permutation per epoch, mini-batches by indexing.

--threads N sets torch.set_num_threads(N) and, before torch is imported, OMP_NUM_THREADS /
OPENBLAS_NUM_THREADS / MKL_NUM_THREADS unless they are set. OPENBLAS_CORETYPE is read from the
environment (bench/compare.mjs runs with and without OPENBLAS_CORETYPE=SkylakeX); the line reports it and
the BLAS library torch actually loaded ("blas").
"""
import argparse
import json
import math
import os
import platform
import sys
import time

FORMAT = "seqcast-bench/1"
SEED = 1234
PREDICT_BATCH = 1024
EVAL_WINDOWS_AFTER_BUDGET = 512

DATASETS = {
    "d721_12_1": (721, 12, 1),
    "d2000_24_1": (2000, 24, 1),
    "d1000_20_1": (1000, 20, 1),
    "d4096_50_8": (4096, 50, 8),
    "d100000_12_1": (100000, 12, 1),
}

# the same table as bench/workloads.mjs
WORKLOADS = {
    "W1": dict(layers=[dict(type="SimpleRNN", units=32)], dataset="d721_12_1", batch=32, epochs=40),
    "W2": dict(layers=[dict(type="LSTM", units=64)], dataset="d2000_24_1", batch=64, epochs=10),
    "W3": dict(layers=[dict(type="GRU", units=64)], dataset="d2000_24_1", batch=64, epochs=10),
    "W4": dict(
        layers=[
            dict(type="LSTM", units=64, returnSequences=True, bidirectional=True),
            dict(type="GRU", units=32),
        ],
        dataset="d1000_20_1",
        batch=32,
        epochs=5,
    ),
    "W5": dict(layers=[dict(type="LSTM", units=256)], dataset="d4096_50_8", batch=128, epochs=1),
    "P1": dict(train="W1", dataset="d100000_12_1", predictBatch=PREDICT_BATCH),
}

GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def log(message):
    print(message, file=sys.stderr, flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--workload", type=str.upper, choices=sorted(WORKLOADS))
    p.add_argument("--data", help="directory with NAME.{x,y,series}.f32 from bench/data.mjs --out")
    p.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    p.add_argument("--budget", type=float, help="stop after the batch that passes S seconds; extrapolate")
    p.add_argument("--matmul", action="store_true", help="measure torch.mm 2048^3 float32 instead")
    a = p.parse_args()
    if not a.matmul and a.workload is None:
        p.error("--workload or --matmul is required")
    return a


ARGS = parse_args()
if ARGS.threads is not None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

if ARGS.threads is not None:
    torch.set_num_threads(ARGS.threads)


def loaded_blas():
    """The BLAS / LAPACK shared objects mapped into this process (call after a product has run)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if ".so" in line}
    except OSError:
        return None
    hits = sorted(x for x in libs if "blas" in os.path.basename(x).lower() or "mkl" in x.lower())
    return ", ".join(os.path.realpath(x) for x in hits) or None


def environment():
    return {
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "blas": loaded_blas(),
        "python": platform.python_version(),
    }


# ------------------------------------------------------------------------------------------------------
# data


def make_series(rows, F):
    t = np.arange(rows, dtype=np.float64)[:, None]
    j = np.arange(F, dtype=np.float64)[None, :]
    if F == 1:
        v = np.sin(0.1 * t) + 0.1 * np.sin(0.37 * t)
    else:
        v = np.sin((0.1 + 0.01 * j) * t + 0.7 * j) + 0.1 * np.sin(0.37 * t + 1.3 * j)
    lo, hi = v.min(axis=0), v.max(axis=0)
    return ((v - lo) / (hi - lo)).astype(np.float32)


def load_dataset(name, data_dir):
    N, T, F = DATASETS[name]
    if data_dir is None:
        series = make_series(N + T, F)
        idx = np.arange(N)[:, None] + np.arange(T)[None, :]
        return N, T, F, np.ascontiguousarray(series[idx]), series[T:, 0].copy()
    arrays = {}
    for part, count in (("x", N * T * F), ("y", N), ("series", (N + T) * F)):
        path = os.path.join(data_dir, f"{name}.{part}.f32")
        size = os.path.getsize(path)
        if size != count * 4:
            raise ValueError(f"{path}: expected {count * 4} bytes, received {size}")
        arrays[part] = np.fromfile(path, dtype="<f4").astype(np.float32, copy=False)
    return N, T, F, arrays["x"].reshape(N, T, F), arrays["y"]


# ------------------------------------------------------------------------------------------------------
# FLOPs (see bench/README.md)


def forward_flops_per_sample(layers, T, F):
    inputs, flops = F, 0
    for l in layers:
        dirs = 2 if l.get("bidirectional") else 1
        flops += T * dirs * 2 * GATES[l["type"]] * l["units"] * (inputs + l["units"])
        inputs = dirs * l["units"]
    return flops + 2 * inputs


# ------------------------------------------------------------------------------------------------------
# model


def keras_init(module, kind, units):
    for name, p in module.named_parameters():
        if name.startswith("weight_ih"):
            nn.init.xavier_uniform_(p)  # [G·U, I]: the same limit as Keras's glorot on [I, G·U]
        elif name.startswith("weight_hh"):
            nn.init.orthogonal_(p)  # [G·U, U]: orthonormal columns = Keras's [U, G·U] orthonormal rows
        elif name.startswith("bias"):
            nn.init.zeros_(p)
            if kind == "LSTM" and name.startswith("bias_ih"):
                with torch.no_grad():
                    p[units : 2 * units] = 1.0  # gate order i, f, g, o: the forget gate


class Net(nn.Module):
    def __init__(self, layers, F):
        super().__init__()
        self.specs = layers
        self.rnns = nn.ModuleList()
        inputs = F
        for l in layers:
            cls = {"SimpleRNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[l["type"]]
            extra = {"nonlinearity": "tanh"} if l["type"] == "SimpleRNN" else {}
            bi = bool(l.get("bidirectional"))
            m = cls(inputs, l["units"], batch_first=True, bidirectional=bi, **extra)
            keras_init(m, l["type"], l["units"])
            self.rnns.append(m)
            inputs = l["units"] * (2 if bi else 1)
        self.head = nn.Linear(inputs, 1)
        nn.init.xavier_uniform_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x):
        h = x
        for spec, m in zip(self.specs, self.rnns):
            out, state = m(h)
            if spec.get("returnSequences"):
                h = out
            else:
                hn = state[0] if isinstance(state, tuple) else state  # [dirs, B, U]
                h = hn.transpose(0, 1).reshape(hn.shape[1], -1)  # forward final state, then backward
        return self.head(h)


def describe(layers):
    parts = []
    for l in layers:
        core = f"{l['type']}({l['units']}{', returnSequences' if l.get('returnSequences') else ''})"
        parts.append(f"Bidirectional({core})" if l.get("bidirectional") else core)
    return " → ".join(parts + ["Dense(1)"])


# ------------------------------------------------------------------------------------------------------
# timing: a port of EpochClock in bench/workloads.mjs


def rnd(v, digits=4):
    if v is None or not math.isfinite(v):
        return v
    return float(f"{v:.{digits}g}")


def median(values):
    if not values:
        return None
    s = sorted(values)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


class EpochClock:
    def __init__(self, N, epochs, budget):
        self.N, self.total, self.budget = N, N * epochs, budget
        self.samples = self.epoch_samples = 0
        self.loss_sum = 0.0
        self.epoch_s, self.losses = [], []
        self.stopped = False

    def start(self):
        self.t0 = self.last = time.perf_counter()

    def batch_end(self, loss, size):
        t = time.perf_counter()
        self.samples += size
        self.epoch_samples += size
        self.loss_sum += loss * size
        if self.epoch_samples >= self.N:
            self.epoch_s.append(t - self.last)
            self.losses.append(self.loss_sum / self.epoch_samples)
            self.last, self.epoch_samples, self.loss_sum = t, 0, 0.0
        if self.budget is not None and t - self.t0 >= self.budget and self.samples < self.total:
            self.stopped = True
        return self.stopped

    def finish(self):
        self.measured = time.perf_counter() - self.t0

    def fields(self):
        fit = self.measured
        if self.stopped:
            remaining = self.total - self.samples
            if self.epoch_s and self.samples > self.N:
                rate = (self.measured - self.epoch_s[0]) / (self.samples - self.N)
            else:
                rate = self.measured / self.samples
            fit = self.measured + remaining * rate
        partial = self.loss_sum / self.epoch_samples if self.epoch_samples else None
        return {
            "fit_s": rnd(fit),
            "epochs_done": len(self.epoch_s),
            "epoch_s": [rnd(s) for s in self.epoch_s],
            "first_epoch_s": rnd(self.epoch_s[0]) if self.epoch_s else None,
            "median_later_epoch_s": rnd(median(self.epoch_s[1:])),
            "loss_first": rnd(self.losses[0] if self.losses else partial),
            "loss_final": rnd(self.losses[-1] if self.losses else partial),
            "extrapolated": self.stopped,
            "samples_done": self.samples,
            "measured_fit_s": rnd(self.measured),
        }


# ------------------------------------------------------------------------------------------------------


def train(spec, x, y, budget):
    N = x.shape[0]
    torch.manual_seed(SEED)
    model = Net(spec["layers"], x.shape[2])
    opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    loss_fn = nn.MSELoss()
    X = torch.from_numpy(x)
    Y = torch.from_numpy(y).reshape(N, 1)
    gen = torch.Generator().manual_seed(SEED)
    clock = EpochClock(N, spec["epochs"], budget)
    B = spec["batch"]
    model.train()
    clock.start()
    for _ in range(spec["epochs"]):
        order = torch.randperm(N, generator=gen)
        stop = False
        for s in range(0, N, B):
            idx = order[s : s + B]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(X[idx]), Y[idx])
            loss.backward()
            opt.step()
            if clock.batch_end(loss.item(), len(idx)):
                stop = True
                break
        if stop:
            break
    clock.finish()
    return model, clock.fields()


def predict(model, x, batch):
    model.eval()
    X = torch.from_numpy(x)
    out = np.empty(x.shape[0], dtype=np.float32)
    with torch.no_grad():
        for s in range(0, x.shape[0], batch):
            out[s : s + batch] = model(X[s : s + batch]).reshape(-1).numpy()
    model.train()
    return out


def mse(pred, y):
    e = pred.astype(np.float64) - y.astype(np.float64)
    return float(np.mean(e * e))


def run_workload(wid, data_dir, budget):
    w = WORKLOADS[wid]
    tw = WORKLOADS[w.get("train", wid)]
    N, T, F, x, y = load_dataset(tw["dataset"], data_dir)
    log(
        f"{wid}: training {describe(tw['layers'])} on {tw['dataset']} "
        f"({tw['epochs']} epochs of batch {tw['batch']})"
    )
    model, fit = train(tw, x, y, budget)
    extrapolated = f" → {fit['fit_s']} s extrapolated" if fit["extrapolated"] else ""
    log(
        f"{wid}: fit {fit['measured_fit_s']} s measured{extrapolated}, "
        f"loss {fit['loss_first']} → {fit['loss_final']}"
    )
    train_gflop = 3 * forward_flops_per_sample(tw["layers"], T, F) * N * tw["epochs"] / 1e9
    line = {
        "format": FORMAT,
        "peer": "pytorch",
        "peer_version": torch.__version__,
        "workload": wid,
        "status": "ok",
        "backend": "cpu",
        "threads": torch.get_num_threads(),
    }
    if "train" not in w:
        # as bench/workloads.mjs: the workload's batch size; a budget-stopped run on its first windows only
        n_eval = min(len(y), EVAL_WINDOWS_AFTER_BUDGET) if fit["extrapolated"] else len(y)
        pred = predict(model, x[:n_eval], w["batch"])
        extra = {k: v for k, v in fit.items() if k not in ("samples_done", "measured_fit_s")}
        line.update(extra)
        line.update(
            eval_mse=rnd(mse(pred, y[:n_eval])),
            eval_windows=n_eval,
            windows_per_s=None,
            gflop=rnd(train_gflop),
            gflops=rnd(train_gflop / fit["fit_s"]),
        )
    else:
        PN, PT, PF, px, py = load_dataset(w["dataset"], data_dir)
        pb = w["predictBatch"]
        predict(model, px[:pb], pb)  # one untimed call, as in the JavaScript peers
        t0 = time.perf_counter()
        pred = predict(model, px, pb)
        predict_s = time.perf_counter() - t0
        gflop = forward_flops_per_sample(tw["layers"], PT, PF) * PN / 1e9
        log(f"{wid}: predict {PN} windows in {rnd(predict_s)} s")
        line.update(
            fit_s=None,
            epochs_done=fit["epochs_done"],
            epoch_s=fit["epoch_s"],
            first_epoch_s=fit["first_epoch_s"],
            median_later_epoch_s=fit["median_later_epoch_s"],
            loss_first=fit["loss_first"],
            loss_final=fit["loss_final"],
            eval_mse=rnd(mse(pred, py)),
            windows_per_s=rnd(PN / predict_s),
            gflop=rnd(gflop),
            gflops=rnd(gflop / predict_s),
            extrapolated=False,
            predict_s=rnd(predict_s),
            predict_batch=pb,
            train_fit_s=fit["fit_s"],
            train_extrapolated=fit["extrapolated"],
            train_gflop=rnd(train_gflop),
        )
    line.update(
        node=None,
        model=describe(tw["layers"]),
        dataset=w["dataset"],
        batch=tw["batch"],
        epochs=tw["epochs"],
        seed=SEED,
        budget_s=budget,
        samples_done=fit["samples_done"],
        measured_fit_s=fit["measured_fit_s"],
        peer_model_note=None,
        data="files" if data_dir else "generated",
        date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    line.update(environment())
    return line


def run_matmul(n=2048, repeats=5):
    torch.manual_seed(SEED)
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - t0)
    flop = 2 * n**3
    line = {
        "format": FORMAT,
        "peer": "pytorch",
        "peer_version": torch.__version__,
        "kind": "matmul",
        "status": "ok",
        "n": n,
        "dtype": "float32",
        "threads": torch.get_num_threads(),
        "repeats": repeats,
        "gflops_best": rnd(flop / min(times) / 1e9),
        "gflops_median": rnd(flop / median(times) / 1e9),
    }
    line.update(environment())
    return line


def main():
    try:
        if ARGS.matmul:
            line = run_matmul()
        else:
            line = run_workload(ARGS.workload, ARGS.data, ARGS.budget)
    except Exception as e:  # one line, whatever happened
        import traceback

        traceback.print_exc()
        line = {
            "format": FORMAT,
            "peer": "pytorch",
            "peer_version": torch.__version__,
            "workload": ARGS.workload,
            "status": "error",
            "error": str(e).split("\n")[0],
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)
        return 1
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
