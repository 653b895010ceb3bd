"""Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, algorithm 7.4 and 7.5) with a
backtracking Armijo line search, for the smooth convex losses of the engine's models."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["minimize_lbfgs"]

FloatArray = npt.NDArray[np.float64]


def minimize_lbfgs(
    loss_and_grad: Callable[[FloatArray], tuple[float, FloatArray]],
    x0: FloatArray,
    *,
    max_iter: int = 200,
    tol: float = 1e-7,
    memory: int = 10,
) -> tuple[FloatArray, float, int]:
    """Minimise; returns (x, loss, iterations). Stops when the loss improves by less than
    ``tol`` relative to its size, or the gradient vanishes."""
    x = x0.astype(np.float64).copy()
    f, g = loss_and_grad(x)
    history: deque[tuple[FloatArray, FloatArray, float]] = deque(maxlen=memory)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        # two-loop recursion: d = -H g
        q = g.copy()
        alphas = []
        for s, y, rho in reversed(history):
            a = rho * float(s @ q)
            alphas.append(a)
            q -= a * y
        if history:
            s, y, _ = history[-1]
            q *= float(s @ y) / float(y @ y)
        else:
            q /= max(1.0, float(np.linalg.norm(g)))
        for (s, y, rho), a in zip(history, reversed(alphas), strict=True):
            b = rho * float(y @ q)
            q += (a - b) * s
        d = -q
        slope = float(g @ d)
        if slope >= 0:  # not a descent direction: restart from the gradient
            history.clear()
            d, slope = -g, -float(g @ g)
        step = 1.0
        while True:
            x_new = x + step * d
            f_new, g_new = loss_and_grad(x_new)
            if f_new <= f + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, y = x_new - x, g_new - g
        sy = float(s @ y)
        if sy > 1e-12:
            history.append((s, y, 1.0 / sy))
        done = f - f_new <= tol * max(1.0, abs(f))
        x, f, g = x_new, f_new, g_new
        if done or float(np.abs(g).max()) < 1e-9:
            break
    return x, f, iterations
