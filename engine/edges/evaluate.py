"""The BSDS boundary benchmark (Martin, Fowlkes & Malik 2004; Arbelaez et al. 2011): ODS, OIS, AP, PR curve.

For each image and threshold t the (already thin) soft prediction is binarized at `>= t`, thinned to one pixel
(engine.edges.nms.thin_binary, as the benchmark's bwmorph 'thin'), and matched one-to-one against EACH
annotator in turn with a tolerance of max_dist = 0.0075 x the image diagonal (4.3 px on a 481 x 321 image):

    cntR += matched GT pixels of annotator k      sumR += GT pixels of annotator k      (summed over k)
    cntP  = predicted pixels matched to ANY annotator (union over k)      sumP = predicted pixels

so recall averages over people while a predicted pixel is right if anyone drew it. Then, as the benchmark's
collect step does: ODS is the best F over thresholds of the dataset-wide sums (P = sum cntP / sum sumP,
R = sum cntR / sum sumR; F interpolated linearly between neighbouring thresholds); OIS is the F of the counts
summed over images, each image taken at its own best threshold; AP is the area under the dataset PR curve,
precision interpolated at recall 0, 0.01, ..., 1 (0 outside the curve's recall range), times 0.01.

The benchmark does not thin soft maps across the edge: pass maps that are already thin (a net's output after
engine.edges.nms.non_max_suppression), or `nms=True` to have that done here. A binary map (Canny output) is
one operating point: every threshold in (0, 1) gives the same map, so ODS = OIS = its F and AP is 0 (a curve
of one recall value has no area); to place a binary detector on a curve, sweep its own parameter and stack
the results into a soft map (engine.edges.classical.canny_soft_map).
"""
from __future__ import annotations

import itertools
import multiprocessing

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow
from scipy.spatial import cKDTree

from engine.edges.nms import non_max_suppression, thin_binary
from engine.errors import DataError

MAX_DIST_FRACTION = 0.0075


def default_thresholds(n: int = 99) -> np.ndarray:
    """n thresholds evenly inside (0, 1): 1/(n+1), ..., n/(n+1) (0.01 ... 0.99 for 99), as the benchmark."""
    if n < 1:
        raise DataError(f"need at least one threshold, got {n}")
    return np.linspace(1.0 / (n + 1), 1.0 - 1.0 / (n + 1), n)


def max_distance(shape, fraction: float = MAX_DIST_FRACTION) -> float:
    """The matching tolerance in pixels: `fraction` of the image diagonal."""
    return float(fraction * np.hypot(shape[0], shape[1]))


def _pairs(tree_a: cKDTree, tree_b: cKDTree, radius: float):
    """Index pairs (i in a, j in b) at Euclidean distance <= radius (distance 0 included)."""
    if tree_a.n == 0 or tree_b.n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    found = tree_a.sparse_distance_matrix(tree_b, radius, output_type="ndarray")
    return found["i"].astype(np.int64), found["j"].astype(np.int64)


def _max_matching(rows, cols, n_rows: int, n_cols: int):
    """Maximum-cardinality bipartite matching; bool masks of matched rows and matched columns.

    Solved as a unit-capacity max flow (source -> rows -> columns -> sink) with Dinic's algorithm, which on
    such a network IS Hopcroft-Karp (shortest augmenting paths found in phases, O(E sqrt(V))). We do not call
    scipy's maximum_bipartite_matching: its depth-first phase never marks dead ends (scipy issue #26147,
    open in 1.17), which is exponential on layered graphs, and two parallel boundary chains are exactly that:
    a 2,000-pixel BSDS case took 2.6-5 s there and 2 ms here, with the same cardinality."""
    row_hit, col_hit = np.zeros(n_rows, bool), np.zeros(n_cols, bool)
    if len(rows) == 0:
        return row_hit, col_hit
    # only vertices with a candidate partner take part: renumber them 0..k-1 (rows) and 0..m-1 (columns)
    row_ids = np.flatnonzero(np.bincount(rows, minlength=n_rows))
    col_ids = np.flatnonzero(np.bincount(cols, minlength=n_cols))
    row_new, col_new = np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64)
    row_new[row_ids], col_new[col_ids] = np.arange(len(row_ids)), np.arange(len(col_ids))
    k, m = len(row_ids), len(col_ids)
    source, sink = k + m, k + m + 1
    tail = np.concatenate([np.full(k, source), row_new[rows], k + np.arange(m)])
    head = np.concatenate([np.arange(k), k + col_new[cols], np.full(m, sink)])
    network = csr_matrix((np.ones(len(tail), np.int32), (tail, head)), shape=(k + m + 2, k + m + 2))
    flow = maximum_flow(network, source, sink, method="dinic").flow.tocoo()
    used = (flow.data > 0) & (flow.row < k) & (flow.col >= k) & (flow.col < k + m)
    row_hit[row_ids[flow.row[used]]] = True
    col_hit[col_ids[flow.col[used] - k]] = True
    return row_hit, col_hit


def match_boundaries(pred, gt, max_dist: float):
    """One-to-one correspondence of two boundary maps: (matched_pred, matched_gt), bool maps like the inputs.

    Candidate pairs are the pixel pairs within `max_dist` (Euclidean, a KD-tree query), and the matching is a
    MAXIMUM-CARDINALITY bipartite matching (Hopcroft-Karp, run as Dinic's max flow: see _max_matching).
    Not a dilation: a GT pixel is used once, so a double line near a single GT line is half unmatched.

    Why cardinality instead of the benchmark's minimum cost: the benchmark (correspondPixels, Goldberg's CSA)
    minimizes  sum of matched distances + oc x (unmatched pixels)  with an outlier cost oc = 100 x max_dist.
    Precision and recall use only HOW MANY pixels are matched; distances only decide which of the equally
    large matchings is picked. Unmatched pixels number n_pred + n_gt - 2|M|, so growing a matching by one
    along an augmenting path with k old and k + 1 new pairs saves 2 oc = 200 max_dist and adds at most
    (k + 1) max_dist of distance; a minimum-cost matching is therefore maximum-cardinality unless its only
    augmenting paths are ~200 pairs long with every new pair near the tolerance, which boundary maps do not
    produce. Hence the same counts, so the same per-annotator precision and recall. The one place the choice
    among maximum matchings shows is `cntP`'s union over annotators (which predicted pixels got matched);
    the benchmark's choice there is by distance and ours is arbitrary. Measured against an exact min-cost
    assignment with the benchmark's outlier cost (2 test images, Canny and Sobel, t = .1 .3 .5 .7: 16 cases,
    80 matchings): every cardinality was identical; cntP differed by at most 1.3 % of the predicted pixels
    of a case, in both directions, and by 0.05 points of precision over all 16 cases together."""
    pred, gt = np.asarray(pred, bool), np.asarray(gt, bool)
    if pred.shape != gt.shape or pred.ndim != 2:
        raise DataError(f"boundary maps must be H x W of one size, got {pred.shape} and {gt.shape}")
    p_pts, g_pts = np.argwhere(pred), np.argwhere(gt)
    rows, cols = _pairs(cKDTree(p_pts), cKDTree(g_pts), max_dist)
    p_hit, g_hit = _max_matching(rows, cols, len(p_pts), len(g_pts))
    matched_pred, matched_gt = np.zeros_like(pred), np.zeros_like(gt)
    matched_pred[tuple(p_pts[p_hit].T)] = True
    matched_gt[tuple(g_pts[g_hit].T)] = True
    return matched_pred, matched_gt


def image_counts(pred_map, gts, thresholds, fraction: float = MAX_DIST_FRACTION, nms: bool = False) -> np.ndarray:
    """(T, 4) array of [cntR, sumR, cntP, sumP] for one image at each threshold (see the module docstring).

    Fast path: thresholds that select the same pixels share one result (maps are nested, so equal counts of
    pixels >= t mean equal maps); each annotator's KD-tree and candidate pairs are built once per image, on
    the union of the thinned maps of all thresholds, and each threshold keeps the pairs among its pixels."""
    m = np.asarray(pred_map, dtype=np.float32)
    gts = [np.asarray(g, bool) for g in gts]
    if not gts:
        raise DataError("an image needs at least one annotator's boundary map")
    if m.ndim != 2 or any(g.shape != m.shape for g in gts):
        raise DataError(f"prediction of shape {m.shape} does not match its ground truth {gts[0].shape}",
                        "predict at the image's full size (H x W)")
    if nms:
        m = non_max_suppression(m)
    radius = max_distance(m.shape, fraction)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    sizes = [int(np.count_nonzero(m >= t)) for t in thresholds]
    thinned = {}
    for t, size in zip(thresholds, sizes):
        if size not in thinned:
            thinned[size] = np.flatnonzero(thin_binary(m >= t))
    union = np.unique(np.concatenate(list(thinned.values()))) if thinned else np.zeros(0, np.int64)
    u_tree = cKDTree(np.column_stack(np.unravel_index(union, m.shape)))
    gt_pts = [np.argwhere(g) for g in gts]
    gt_pairs = [_pairs(u_tree, cKDTree(pts), radius) for pts in gt_pts]
    sum_r = sum(len(pts) for pts in gt_pts)
    results = {}
    for size, flat in thinned.items():
        local = np.full(len(union), -1, np.int64)
        local[np.searchsorted(union, flat)] = np.arange(len(flat))
        any_hit, cnt_r = np.zeros(len(flat), bool), 0
        for (ui, gj), pts in zip(gt_pairs, gt_pts):
            keep = local[ui] >= 0
            p_hit, g_hit = _max_matching(local[ui[keep]], gj[keep], len(flat), len(pts))
            any_hit |= p_hit
            cnt_r += int(g_hit.sum())
        results[size] = (cnt_r, sum_r, int(any_hit.sum()), len(flat))
    return np.array([results[s] for s in sizes], dtype=np.int64).reshape(len(thresholds), 4)


def _ratio(num, den):
    num, den = np.asarray(num, float), np.asarray(den, float)
    return num / np.where(den == 0, 1.0, den)


def f_measure(p, r):
    """Harmonic mean of precision and recall, 0 where both are 0."""
    p, r = np.asarray(p, float), np.asarray(r, float)
    return np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1.0), 0.0)


def _best_interpolated(thresholds, precision, recall):
    """Best (F, threshold, P, R) with P and R interpolated linearly between neighbouring thresholds."""
    if len(thresholds) == 1:
        f = float(f_measure(precision[0], recall[0]))
        return f, float(thresholds[0]), float(precision[0]), float(recall[0])
    d = np.linspace(0.0, 1.0, 100)[None, :]
    t = thresholds[1:, None] * d + thresholds[:-1, None] * (1 - d)
    p = precision[1:, None] * d + precision[:-1, None] * (1 - d)
    r = recall[1:, None] * d + recall[:-1, None] * (1 - d)
    f = f_measure(p, r)
    i = np.unravel_index(int(np.argmax(f)), f.shape)
    return float(f[i]), float(t[i]), float(p[i]), float(r[i])


def _average_precision(precision, recall) -> float:
    """Area under the PR curve as the benchmark computes it: P interpolated on recall 0:0.01:1, summed x 0.01."""
    r_unique, first = np.unique(recall, return_index=True)
    if len(r_unique) < 2:
        return 0.0
    grid = np.linspace(0.0, 1.0, 101)
    p = np.interp(grid, r_unique, np.asarray(precision)[first])
    p[(grid < r_unique[0]) | (grid > r_unique[-1])] = 0.0
    return float(p.sum() * 0.01)


def summarize(counts, thresholds) -> dict:
    """The benchmark's scores from per-image counts, an (N, T, 4) array of [cntR, sumR, cntP, sumP]."""
    counts = np.asarray(counts, dtype=np.float64)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if counts.ndim != 3 or counts.shape[0] == 0:
        raise DataError("no images were evaluated")
    total = counts.sum(axis=0)
    recall, precision = _ratio(total[:, 0], total[:, 1]), _ratio(total[:, 2], total[:, 3])
    f = f_measure(precision, recall)
    ods, best_t, ods_p, ods_r = _best_interpolated(thresholds, precision, recall)
    per_f = f_measure(_ratio(counts[:, :, 2], counts[:, :, 3]), _ratio(counts[:, :, 0], counts[:, :, 1]))
    best = per_f.shape[1] - 1 - np.argmax(per_f[:, ::-1], axis=1)  # last best threshold, as the benchmark
    at_best = counts[np.arange(len(counts)), best].sum(axis=0)
    ois_r, ois_p = float(_ratio(at_best[0], at_best[1])), float(_ratio(at_best[2], at_best[3]))
    return dict(ods=ods, ois=float(f_measure(ois_p, ois_r)), ap=_average_precision(precision, recall),
                best_threshold=best_t, ods_precision=ods_p, ods_recall=ods_r, ois_precision=ois_p,
                ois_recall=ois_r, precision=precision, recall=recall, f=f, thresholds=thresholds,
                images=int(counts.shape[0]))


def _one_image(job):
    pred_map, gts, thresholds, fraction, nms = job
    return image_counts(pred_map, gts, thresholds, fraction, nms)


def evaluate_maps(pred_maps, gts, thresholds=99, progress=None, workers: int = 1, nms: bool = False,
                  fraction: float = MAX_DIST_FRACTION) -> dict:
    """Benchmark soft boundary maps against their human annotations.

    pred_maps: iterable of float (H, W) maps in [0, 1], thin already unless `nms=True`.
    gts: iterable (same order) of lists of bool (H, W) maps, one per annotator (bsds.load_ground_truth).
    thresholds: a count n (n evenly inside (0, 1), default 99 as the benchmark) or the values themselves.
    progress: optional callable(done, total or None) after each image. workers: processes (1 = this process).
    Returns dict(ods, ois, ap, best_threshold, precision[], recall[], f[], thresholds[], images, and the
    P/R at the ODS and OIS points). Binary maps are one operating point (see the module docstring)."""
    if np.isscalar(thresholds):
        thresholds = default_thresholds(int(thresholds))
    thresholds = np.sort(np.asarray(thresholds, dtype=np.float64).ravel())
    if thresholds.size == 0 or thresholds[0] <= 0 or thresholds[-1] >= 1:
        raise DataError("thresholds must lie strictly inside (0, 1)")
    missing = object()

    def jobs():
        for pred, gt in itertools.zip_longest(pred_maps, gts, fillvalue=missing):
            if pred is missing or gt is missing:
                raise DataError("pred_maps and gts have different lengths", "give one list of annotations per map")
            yield pred, gt, thresholds, fraction, nms

    total = len(pred_maps) if hasattr(pred_maps, "__len__") else None
    counts = []
    methods = multiprocessing.get_all_start_methods()
    pool = multiprocessing.get_context("fork" if "fork" in methods else "spawn").Pool(workers) if workers > 1 else None
    try:
        for c in (pool.imap(_one_image, jobs()) if pool else map(_one_image, jobs())):
            counts.append(c)
            if progress is not None:
                progress(len(counts), total)
    finally:
        if pool is not None:
            pool.terminate()
    return summarize(np.stack(counts) if counts else np.zeros((0, len(thresholds), 4)), thresholds)
