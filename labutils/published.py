"""Published results that the course compares its own numbers with, in one place.

Ruff, L., Vandermeulen, R., Görnitz, N., Deecke, L., Siddiqui, S. A., Binder, A.,
Müller, E. and Kloft, M. (2018). *Deep One-Class Classification*. Proceedings of the
35th International Conference on Machine Learning (ICML), PMLR 80, 4393–4402.
Table 1, MNIST: mean ROC-AUC over 10 seeds with one digit as the normal class and all
other digits as anomalies, for their deep convolutional autoencoder (DCAE) and for
one-class Deep SVDD. Chapter 2 and ``benchmarks/mnist.py`` put them beside their own.
"""

from __future__ import annotations

import pandas as pd

#: Ruff et al. (2018), Table 1, MNIST: ROC-AUC per normal digit 0-9 (their percentages / 100).
RUFF_2018_MNIST_ROC_AUC: dict[str, tuple[float, ...]] = {
    "DCAE": (0.976, 0.983, 0.854, 0.867, 0.865, 0.782, 0.946, 0.923, 0.865, 0.904),
    "Deep SVDD": (0.980, 0.997, 0.917, 0.919, 0.949, 0.885, 0.983, 0.946, 0.939, 0.965),
}


def ruff2018_mnist() -> pd.DataFrame:
    """Ruff et al. (2018)'s one-class MNIST ROC-AUC as a table: one row per normal digit.

    Columns ``"DCAE (Ruff et al.)"`` and ``"Deep SVDD (Ruff et al.)"``, index ``"normal
    digit"`` 0-9, ready for chapter 2 and ``benchmarks/mnist.py`` to add their own column.
    """
    table = pd.DataFrame({f"{model} (Ruff et al.)": values for model, values in RUFF_2018_MNIST_ROC_AUC.items()})
    table.index.name = "normal digit"
    return table
