#!/usr/bin/env python3
"""PyTorch cross-check of bench/sentiment.mjs (issue 17): the issue's reference configuration, Embedding(64)
-> BiLSTM(32) -> Dense(1), Adam 1e-3, 15 epochs, batch 32, on a seeded stratified 80/20 split of the sentiment
sentences, tokenised as seqcast's textVectorizer does (ASCII lower, ASCII punctuation stripped, whitespace
split, the training part's words), in two variants:

  packed   pack_padded_sequence: each direction reads only the real words (what seqcast's masks compute)
  padded   the padded batch as it is (post-padding, index 0 embedded like any word, no mask): the forward
           direction's last state comes after the padding, as in a naive PyTorch loop
  keras    packed, with Keras's initialisers instead of PyTorch's: embeddings U(-0.05, 0.05) (PyTorch: N(0, 1)),
           kernels Glorot uniform, recurrent kernels orthogonal, zero biases with the forget gate's at 1, the
           Dense layer Glorot uniform with a zero bias — what seqcast (Keras semantics) starts from

  /usr/bin/python3 bench/sentiment_torch.py --data FILE [--seeds N] [--epochs E] [--variants packed,padded,keras]

FILE is sentiment_sentences.csv where seqcast's resolver finds it:
  --data "$(node -e "import('./dist/node.js').then((m) => console.log(m.labelledDatasetPath('sentiment')))")"
One JSON line per seed and variant.

The split and the initial weights are PyTorch's and numpy's, not seqcast's: compare means over seeds, not
seeds one by one. The data file is read in place, never copied.
"""

import argparse
import csv
import json
import re
import time

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True, help="the path of sentiment_sentences.csv")
ap.add_argument("--seeds", type=int, default=5)
ap.add_argument("--epochs", type=int, default=15)
ap.add_argument("--variants", default="packed,padded,keras")
args = ap.parse_args()
torch.set_num_threads(1)

rows = list(csv.DictReader(open(args.data, encoding="utf-8")))
PUNCT = re.compile(r"[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]")


def tokens(t):
    t = re.sub(r"[A-Z]+", lambda m: m.group(0).lower(), t)
    return [w for w in re.split(r"[ \t\n\v\f\r]+", PUNCT.sub("", t)) if w]


texts = [tokens(r["text"]) for r in rows]
labels = np.array([int(r["label"]) for r in rows])


class Net(nn.Module):
    def __init__(self, vocab, packed, keras_init):
        super().__init__()
        self.packed = packed
        self.emb = nn.Embedding(vocab, 64)
        self.lstm = nn.LSTM(64, 32, batch_first=True, bidirectional=True)
        self.out = nn.Linear(64, 1)
        if keras_init:
            with torch.no_grad():
                nn.init.uniform_(self.emb.weight, -0.05, 0.05)
                for name, w in self.lstm.named_parameters():
                    if name.startswith("weight_ih"):
                        # Keras draws the [I, 4U] kernel at once: Glorot over fan_in I, fan_out 4U
                        bound = (6.0 / (w.shape[1] + w.shape[0])) ** 0.5
                        nn.init.uniform_(w, -bound, bound)
                    elif name.startswith("weight_hh"):
                        # Keras: one orthogonal [U, 4U] matrix
                        q = torch.empty(w.shape[1], w.shape[0])
                        nn.init.orthogonal_(q)
                        w.copy_(q.t())
                    elif name.startswith("bias_ih"):
                        w.zero_()
                        w[32:64] = 1.0  # PyTorch gate order i, f, g, o: the forget gate's bias
                    else:
                        w.zero_()
                bound = (6.0 / (64 + 1)) ** 0.5
                nn.init.uniform_(self.out.weight, -bound, bound)
                self.out.bias.zero_()

    def forward(self, x, lengths):
        e = self.emb(x)
        if self.packed:
            _, (h, _) = self.lstm(pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False))
        else:
            _, (h, _) = self.lstm(e)
        return self.out(torch.cat([h[0], h[1]], dim=1)).squeeze(1)


for seed in range(1, args.seeds + 1):
    rng = np.random.default_rng(seed)
    test = []
    for c in (0, 1):
        members = np.flatnonzero(labels == c)
        rng.shuffle(members)
        test.extend(members[: round(0.2 * len(members))])
    test = np.array(sorted(test))
    train = np.setdiff1d(np.arange(len(rows)), test)
    counts = {}
    for i in train:
        for w in texts[i]:
            counts[w] = counts.get(w, 0) + 1
    vocab = {w: k + 2 for k, (w, _) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))}
    L = max(len(texts[i]) for i in train)

    def encode(idx):
        x = np.zeros((len(idx), L), dtype=np.int64)
        n = np.zeros(len(idx), dtype=np.int64)
        for r, i in enumerate(idx):
            ids = [vocab.get(w, 1) for w in texts[i]][:L] or [1]
            x[r, : len(ids)] = ids
            n[r] = len(ids)
        return torch.from_numpy(x), torch.from_numpy(n)

    xtr, ntr = encode(train)
    xte, nte = encode(test)
    ytr = torch.from_numpy(labels[train]).float()
    for variant in args.variants.split(","):
        torch.manual_seed(seed)
        net = Net(len(vocab) + 2, variant != "padded", variant == "keras")
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = nn.BCEWithLogitsLoss()
        started = time.time()
        for epoch in range(args.epochs):
            net.train()
            order = torch.randperm(len(train))
            for b in range(0, len(train), 32):
                j = order[b : b + 32]
                opt.zero_grad()
                loss = loss_fn(net(xtr[j], ntr[j]), ytr[j])
                loss.backward()
                opt.step()
        net.eval()
        with torch.no_grad():
            pred = (net(xte, nte) > 0).numpy().astype(int)
        acc = float((pred == labels[test]).mean())
        print(json.dumps({"variant": variant, "seed": seed, "accuracy": round(acc, 4), "test": len(test), "seconds": round(time.time() - started, 1)}), flush=True)
