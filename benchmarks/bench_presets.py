"""How each preset (and the CSV samples' suggested networks) learn: no spikes,
no silent overfitting. Trains headless with the model's Trainer and prints,
per set-up, the training and test loss at the end, the lowest test loss and
its step, the test loss's rise from that lowest point, and the number of
spikes (evaluations where the training loss jumped above 1.5x its running
minimum after the first tenth of the run). Run:
    python benchmarks/bench_presets.py [--steps 5000] [--every 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bpsim.model.data.csvdata import load_csv
from bpsim.model.data.presets import PRESETS
from bpsim.model.sessions.session import Session, evaluate_session, new_session, session_for_dataset

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
SPIKE = 1.5  # a training loss above 1.5x its running minimum is a spike


def measure(session: Session, steps: int, every: int) -> dict[str, float]:
    train: list[float] = []
    test: list[float] = []
    trainer = session.trainer
    for _ in range(0, steps + 1, every):
        tr, te, _acc = evaluate_session(session)
        train.append(tr)
        test.append(np.nan if te is None else te)
        trainer.train(every)
    tr_arr, te_arr = np.array(train), np.array(test)
    start = len(tr_arr) // 10
    running = np.minimum.accumulate(tr_arr)
    spikes = int(np.count_nonzero(tr_arr[start:] > SPIKE * running[start:] + 1e-6))
    out = {"train": float(tr_arr[-1]), "test": float(te_arr[-1]), "spikes": spikes}
    if np.isfinite(te_arr).any():
        best = int(np.nanargmin(te_arr))
        out |= {"best_test": float(te_arr[best]), "best_step": best * every}
        out["rise"] = float(te_arr[-1] / te_arr[best])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    setups: dict[str, Session] = {name: new_session(name) for name in PRESETS if name != "mazur"}
    for csv in sorted(SAMPLES.glob("*.csv")):
        setups[f"csv:{csv.stem}"] = session_for_dataset(load_csv(csv))
    print(f"{'set-up':22} {'train':>9} {'test':>9} {'best test':>9} {'at step':>7} "
          f"{'rise':>6} {'spikes':>6}")  # fmt: skip
    for name, session in setups.items():
        m = measure(session, args.steps, args.every)
        best = f"{m['best_test']:9.4f} {m['best_step']:7d} {m['rise']:6.2f}" if "rise" in m else ""
        print(f"{name:22} {m['train']:9.4f} {m['test']:9.4f} {best:>24} {m['spikes']:6d}")


if __name__ == "__main__":
    main()
