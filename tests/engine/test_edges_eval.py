"""The BSDS boundary benchmark (engine.edges): matching, annotator accumulation, ODS/OIS/AP, readers, NMS."""
from pathlib import Path

import numpy as np
import pytest
import scipy.io
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from engine.edges import bsds, classical, evaluate, nms
from engine.errors import DataError

BSDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "bsds500"
FEW = evaluate.default_thresholds(9)


def line_map(shape=(200, 200), row=100, cols=(20, 180), value=1.0):
    m = np.zeros(shape, np.float32)
    m[row, cols[0]:cols[1]] = value
    return m


def test_max_distance_is_a_fraction_of_the_diagonal():
    assert evaluate.max_distance((321, 481)) == pytest.approx(0.0075 * np.hypot(321, 481))  # 4.34 px
    assert evaluate.max_distance((200, 200)) == pytest.approx(2.121, abs=1e-3)


def test_perfect_prediction_scores_one():
    gt = line_map() > 0
    result = evaluate.evaluate_maps([line_map()], [[gt]], thresholds=FEW)
    assert result["ods"] == pytest.approx(1.0) and result["ois"] == pytest.approx(1.0)
    assert np.allclose(result["precision"], 1) and np.allclose(result["recall"], 1)


@pytest.mark.parametrize("shift, expected", [(1, 1.0), (2, 1.0), (3, 0.0)])
def test_shift_within_tolerance_matches_beyond_does_not(shift, expected):
    gt = line_map() > 0  # 200 x 200: tolerance 2.12 px
    result = evaluate.evaluate_maps([line_map(row=100 + shift)], [[gt]], thresholds=FEW)
    assert result["ods"] == pytest.approx(expected)
    matched_pred, matched_gt = evaluate.match_boundaries(line_map(row=100 + shift) > 0, gt, 2.12)
    assert matched_pred.sum() == matched_gt.sum() == (gt.sum() if expected else 0)


def test_matching_is_one_to_one_not_a_dilation():
    gt = line_map() > 0
    double = gt | np.roll(gt, 1, axis=0)  # a two-pixel-thick line over a one-pixel GT line
    matched_pred, matched_gt = evaluate.match_boundaries(double, gt, max_dist=2.12)
    assert matched_gt.all() or matched_gt.sum() == gt.sum()
    assert matched_pred.sum() / double.sum() == pytest.approx(0.5)  # each GT pixel is used once
    # what a dilation of the GT by the tolerance would wrongly report: every predicted pixel is "near" GT
    from scipy.ndimage import binary_dilation
    assert (double & binary_dilation(gt, iterations=2)).sum() / double.sum() == 1.0


def test_two_annotators_accumulate_as_the_benchmark():
    # 40 x 40: tolerance 0.42 px, so only coincident pixels match and the counts are easy to hand-compute
    a, b, pred = (np.zeros((40, 40), bool) for _ in range(3))
    a[10, 5:15] = True                  # annotator A: 10 px
    b[20, 5:10] = True                  # annotator B: 5 px on row 20 ...
    b[10, 5:7] = True                   # ... and 2 px that A also drew
    pred[10, 5:10] = True               # 5 px on A's line (2 of them also B's)
    pred[20, 5:15] = True               # 10 px, 5 on B's line
    pred[30, 5:8] = True                # 3 px on nothing
    counts = evaluate.image_counts(pred.astype(np.float32), [a, b], [0.5])[0]
    # cntR = 5 (A) + 7 (B); sumR = 10 + 7; cntP = |{row 10: 5} U {row 10: 2, row 20: 5}| = 10, not 5 + 7
    assert counts.tolist() == [12, 17, 10, 18]
    result = evaluate.summarize(counts[None, None, :], [0.5])
    assert result["recall"][0] == pytest.approx(12 / 17) and result["precision"][0] == pytest.approx(10 / 18)


def test_ois_is_at_least_ods_when_images_want_different_thresholds():
    gt = line_map() > 0
    bright = line_map(value=0.85) + line_map(row=50, value=0.5) + line_map(row=150, value=0.5)
    dim = line_map(value=0.3) + line_map(row=50, value=0.1) + line_map(row=150, value=0.1)
    result = evaluate.evaluate_maps([bright, dim], [[gt], [gt]], thresholds=FEW)
    assert result["ois"] == pytest.approx(1.0)  # each image alone has a perfect threshold
    assert result["ois"] >= result["ods"] and result["ods"] < 0.9
    assert 0 < result["ap"] <= 1 and len(result["precision"]) == len(result["recall"]) == len(FEW)


def test_binary_map_is_one_operating_point():
    gt = line_map() > 0
    pred = line_map() + line_map(row=40)  # 0/1 map: half its pixels are false positives
    result = evaluate.evaluate_maps([pred], [[gt]], thresholds=FEW)
    assert np.allclose(result["precision"], 0.5) and np.allclose(result["recall"], 1)
    assert result["ods"] == pytest.approx(result["ois"]) == pytest.approx(2 / 3)
    assert result["ap"] == 0.0


def test_empty_prediction_and_empty_annotator_score_zero():
    gt = line_map() > 0
    result = evaluate.evaluate_maps([np.zeros((200, 200), np.float32)], [[gt, np.zeros_like(gt)]], thresholds=FEW)
    assert result["ods"] == 0 and result["ois"] == 0 and result["ap"] == 0
    assert evaluate.image_counts(line_map(), [np.zeros_like(gt)], [0.5]).tolist() == [[0, 0, 0, 160]]


def test_max_matching_has_hopcroft_karp_cardinality():
    rng = np.random.default_rng(0)
    for _ in range(20):
        n_rows, n_cols = rng.integers(1, 40, size=2)
        dense = rng.random((n_rows, n_cols)) < 0.1
        rows, cols = np.nonzero(dense)
        row_hit, col_hit = evaluate._max_matching(rows, cols, n_rows, n_cols)
        reference = maximum_bipartite_matching(csr_matrix(dense.astype(np.int8)), perm_type="column")
        assert row_hit.sum() == col_hit.sum() == (reference >= 0).sum()


def test_mismatched_inputs_raise_data_error():
    with pytest.raises(DataError):
        evaluate.image_counts(np.zeros((10, 10)), [np.zeros((10, 12), bool)], FEW)
    with pytest.raises(DataError):
        evaluate.evaluate_maps([np.zeros((10, 10))], [], thresholds=FEW)


def test_mat_of_another_structure_raises(tmp_path):
    scipy.io.savemat(tmp_path / "other.mat", {"labels": np.arange(6).reshape(2, 3)})
    with pytest.raises(DataError, match="no variable 'groundTruth'"):
        bsds.load_ground_truth(tmp_path / "other.mat")
    scipy.io.savemat(tmp_path / "numeric.mat", {"groundTruth": np.zeros((3, 3))})
    with pytest.raises(DataError, match="cell array"):
        bsds.load_ground_truth(tmp_path / "numeric.mat")
    cells = np.empty((1, 1), dtype=object)
    cells[0, 0] = {"Segmentation": np.ones((4, 5), np.uint16)}
    scipy.io.savemat(tmp_path / "noboundaries.mat", {"groundTruth": cells})
    with pytest.raises(DataError, match="'Boundaries'"):
        bsds.load_ground_truth(tmp_path / "noboundaries.mat")
    (tmp_path / "text.mat").write_text("not matlab")
    with pytest.raises(DataError):
        bsds.load_ground_truth(tmp_path / "text.mat")


def test_ground_truth_round_trip_soft_target_and_split(tmp_path):
    cells = np.empty((1, 2), dtype=object)
    for k in range(2):
        edges = np.zeros((4, 5), np.uint8)
        edges[1, : 2 + k] = 1
        cells[0, k] = {"Segmentation": np.ones((4, 5), np.uint16), "Boundaries": edges}
    for split in ("images/test", "groundTruth/test"):
        (tmp_path / split).mkdir(parents=True)
    scipy.io.savemat(tmp_path / "groundTruth/test/1.mat", {"groundTruth": cells})
    maps = bsds.load_ground_truth(tmp_path / "groundTruth/test/1.mat")
    assert len(maps) == 2 and maps[0].dtype == bool and maps[1].sum() == 3
    assert bsds.soft_target(maps)[1, :3].tolist() == [1.0, 1.0, 0.5]
    assert bsds.agreement_mask(maps, 2).sum() == 2
    with pytest.raises(DataError, match="without image"):
        bsds.list_split(tmp_path, "test")
    (tmp_path / "images/test/1.jpg").write_bytes(b"")
    (tmp_path / "images/test/2.jpg").write_bytes(b"")
    with pytest.warns(UserWarning, match="without ground truth"):
        assert [p[0].stem for p in bsds.list_split(tmp_path, "test", strict=False)] == ["1"]
    with pytest.raises(DataError, match="unknown"):
        bsds.list_split(tmp_path, "holdout")


def test_nms_thins_a_soft_ridge_to_one_pixel():
    ys, xs = np.mgrid[0:64, 0:64]
    horizontal = nms.non_max_suppression(np.exp(-((ys - 32.3) ** 2) / 8.0).astype(np.float32)) > 0
    assert (horizontal.sum(axis=0) == 1).all() and horizontal[32].all()  # one pixel per column, on the crest
    diagonal = nms.non_max_suppression(np.exp(-((xs - ys) ** 2) / 16.0).astype(np.float32)) > 0
    assert (diagonal.sum(axis=1) == 1).all() and diagonal.diagonal().all()
    assert nms.edge_orientation(np.exp(-((xs - ys) ** 2) / 16.0))[32, 32] == pytest.approx(3 * np.pi / 4)
    bar = np.zeros((30, 30), bool)
    bar[10:14, 3:27] = True
    assert nms.thin_binary(bar).sum(axis=0)[5:25].max() == 1


def test_classical_maps_are_in_unit_range():
    image = np.zeros((48, 64, 3), np.uint8)
    image[:, 32:] = 200
    sobel = classical.sobel_map(image)
    assert sobel.dtype == np.float32 and sobel.max() == pytest.approx(1.0) and sobel.min() >= 0
    canny = classical.canny_map(image, 0.1, 0.3, sigma=1.0)
    assert set(np.unique(canny)) <= {0.0, 1.0} and canny[:, 30:34].any(axis=1)[5:-5].all()
    soft = classical.canny_soft_map(image, sigma=1.0, levels=8)
    assert 0 <= soft.min() and soft.max() <= 1 and soft[:, 30:34].max() == 1.0


@pytest.mark.shared_data
def test_canny_on_three_real_test_images():
    if not (BSDS / "groundTruth" / "test").is_dir():
        pytest.skip(f"real data not present: {BSDS}")
    import cv2
    pairs = bsds.list_split(BSDS, "test")
    assert len(pairs) == 200
    pairs = pairs[:3]
    truths = [bsds.load_ground_truth(g) for _, g in pairs]
    assert all(4 <= len(t) <= 9 and t[0].shape in ((321, 481), (481, 321)) for t in truths)
    maps = [classical.canny_soft_map(cv2.imread(str(i)), sigma=2.0, levels=16) for i, _ in pairs]
    result = evaluate.evaluate_maps(maps, truths, thresholds=evaluate.default_thresholds(15))
    # a sane band around the published 0.60 (these three score 0.61); OIS >= ODS is typical, not a law:
    # OIS pools counts, and an image's best F can add many pixels that lower the pooled precision
    assert 0.45 < result["ods"] < 0.8 and 0.45 < result["ois"] < 0.8


def test_workers_give_the_same_scores():
    gt = line_map() > 0
    maps = [line_map(value=v) + line_map(row=60, value=v / 2) for v in (0.9, 0.6, 0.3)]
    one = evaluate.evaluate_maps(maps, [[gt]] * 3, thresholds=FEW)
    two = evaluate.evaluate_maps(iter(maps), iter([[gt]] * 3), thresholds=FEW, workers=2)
    assert one["ods"] == two["ods"] and one["ois"] == two["ois"] and np.array_equal(one["f"], two["f"])
    with pytest.raises(DataError, match="different lengths"):
        evaluate.evaluate_maps(maps, [[gt]] * 2, thresholds=FEW, workers=2)
