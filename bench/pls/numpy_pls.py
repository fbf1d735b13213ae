"""A straightforward numpy implementation of PLS-PM (the algorithm as a Python user would write
it from Lohmoeller / seminr's description, working on the n x K data at every pass).

Used two ways: as the peer in bench/pls/run (speed), and as an independent reference in the
tests (mode B, centroid and factorial schemes, survey weights), since it shares no code with
the C implementation, which works on the K x K correlation matrix instead.
"""
import numpy as np


def standardize(x, w=None):
    if w is None:
        return (x - x.mean(0)) / x.std(0, ddof=1)
    w = w / w.mean()
    m = (w[:, None] * x).sum(0) / w.sum()
    sd = np.sqrt((w[:, None] * (x - m) ** 2).sum(0) / (w.sum() - 1))
    return (x - m) / sd


def wcov(a, b, w):
    """cov(a, b) of column-wise centred data with weights (mean 1), divisor n - 1."""
    if w is None:
        return a.T @ b / (a.shape[0] - 1)
    w = w / w.mean()
    am = a - (w[:, None] * a).sum(0) / w.sum()
    bm = b - (w[:, None] * b).sum(0) / w.sum()
    return (w[:, None] * am).T @ bm / (w.sum() - 1)


def pls(data, blocks, modes, paths, scheme="path", max_iter=300, tol=1e-7, weights=None):
    """data: dict name -> 1-d array; blocks: list of (construct, [items]); modes: list of 'A'/'B';
    paths: list of (from, to). Returns a dict of numpy results in construct / item order."""
    names = [c for c, _ in blocks]
    items = [i for _, its in blocks for i in its]
    C, K = len(names), len(items)
    X = standardize(np.column_stack([np.asarray(data[i], float) for i in items]), weights)
    n = X.shape[0]
    member = np.zeros((K, C))
    k = 0
    for j, (_, its) in enumerate(blocks):
        member[k:k + len(its), j] = 1
        k += len(its)
    adj = np.zeros((C, C))
    for a, b in paths:
        adj[names.index(a), names.index(b)] = 1
    W = member.copy()
    for it in range(max_iter + 1):
        Y = standardize(X @ W, weights)
        R = wcov(Y, Y, weights)
        E = np.zeros((C, C))
        for j in range(C):
            if scheme == "path":
                pred = np.where(adj[:, j] > 0)[0]
                if len(pred):
                    E[pred, j] = np.linalg.solve(R[np.ix_(pred, pred)], R[pred, j])
                succ = np.where(adj[j, :] > 0)[0]
                E[succ, j] = R[j, succ]
            else:
                nb = np.where((adj[:, j] + adj[j, :]) > 0)[0]
                E[nb, j] = R[nb, j] if scheme == "factorial" else np.sign(R[nb, j])
        Z = standardize(Y @ E, weights)
        Wn = np.zeros((K, C))
        for j in range(C):
            idx = np.where(member[:, j] > 0)[0]
            c = wcov(X[:, idx], Z[:, [j]], weights)[:, 0]
            if modes[j] == "B":
                c = np.linalg.solve(wcov(X[:, idx], X[:, idx], weights), c)
            Wn[idx, j] = c
        Wn = Wn / np.sqrt(np.diag(wcov(X @ Wn, X @ Wn, weights)))
        diff = np.abs(Wn - W).sum()
        W = Wn
        if diff < tol:
            break
    else:
        raise RuntimeError("no convergence")
    Y = X @ W
    R = wcov(Y, Y, weights)
    L = wcov(X, Y, weights)
    B = np.zeros((C, C))
    r2 = np.full(C, np.nan)
    for j in range(C):
        pred = np.where(adj[:, j] > 0)[0]
        if len(pred):
            B[pred, j] = np.linalg.solve(R[np.ix_(pred, pred)], R[pred, j])
            r2[j] = B[pred, j] @ R[pred, j]
    return {"weights": (W * member).sum(1), "loadings": (L * member).sum(1), "paths": B,
            "rsq": r2, "scores": Y, "iterations": it, "names": names, "items": items}
