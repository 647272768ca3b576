"""Check the MNIST-1D loader and the training against the paper's MLP baseline.

Greydanus and Kobak (2024) report about 68 % test accuracy for an MLP on the default MNIST-1D
data set.  This trains the package's 40-100-100-10 ReLU MLP as they did (Adam at 1e-2,
minibatches of 100, 6000 steps) on ``dying_relu.data.load_mnist1d()``, as an ensemble of
eight seeds, and prints the test accuracy of each with a t interval of the mean.

Run with the tests' environment: ``.nox/tests/bin/python tools/mnist1d-baseline.py``.
"""

from __future__ import annotations

from dying_relu import MLP, Adam, train
from dying_relu.data import load_mnist1d
from dying_relu.stats import mean_interval

SEEDS = list(range(8))


def main() -> None:
    data = load_mnist1d()
    net = MLP([40, 100, 100, 10], "relu", seed=SEEDS)
    train(net, data.X_train, data.y_train, loss="cross_entropy", optimizer=Adam(1e-2),
          steps=6000, batch_size=100, progress=False)  # fmt: skip
    accuracy = (net.forward(data.X_test).argmax(axis=-1) == data.y_test).mean(axis=-1)
    interval = mean_interval(accuracy)
    print("test accuracy per seed:", " ".join(f"{a:.1%}" for a in accuracy))
    print(
        f"mean {interval.estimate:.1%}, 95 % t interval {interval.low:.1%} to {interval.high:.1%}"
    )
    print("published (Greydanus and Kobak 2024, MLP): about 68 %")


if __name__ == "__main__":
    main()
