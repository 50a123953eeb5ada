"""engine/data/pairing.py: the folder listing, pairing and size rules the mask and edge-map readers share."""
from __future__ import annotations

import pytest

from engine.data.base import DataSpec
from engine.data.pairing import (MAX_SIDE, by_stem, few, held_out, paired_stems, shrunk_size, spec_folders,
                                 too_small)
from engine.errors import DataError


def test_listing_pairs_by_name_and_lists_the_rest(tmp_path):
    images, masks = tmp_path / "img", tmp_path / "mask"
    images.mkdir(), masks.mkdir()
    for name in ("a.png", "b.JPG", "c.png", "notes.txt", ".hidden.png"):
        (images / name).write_bytes(b"")
    for name in ("a.png", "b.png", "d.png", "classes.txt"):
        (masks / name).write_bytes(b"")
    skipped = []
    found = by_stem(images, skipped)
    assert sorted(found) == ["a", "b", "c"]  # hidden files are not data
    assert skipped == [(str(images / "notes.txt"), "not an image file (PNG, JPG, BMP or TIFF)")]
    assert by_stem(masks, None).keys() == {"a", "b", "d"}  # classes.txt is the class list, never "skipped"
    skipped = []
    assert paired_stems(found, by_stem(masks), "edge map", skipped) == ["a", "b"]
    assert skipped == [(str(masks / "d.png"), "edge map without an image of the same name"),
                       (str(images / "c.png"), "image without an edge map of the same name")]


def test_spec_folders_wants_that_many_existing_folders(tmp_path):
    (tmp_path / "x").mkdir()
    assert spec_folders(DataSpec.parse(f"images:{tmp_path / 'x'}"), 1, "images:DIR") == [tmp_path / "x"]
    with pytest.raises(DataError, match="Bad pairs spec"):
        spec_folders(DataSpec.parse(f"pairs:{tmp_path / 'x'}"), 2, "pairs:A,B")
    with pytest.raises(DataError, match="is not a folder"):
        spec_folders(DataSpec.parse(f"pairs:{tmp_path / 'x'},{tmp_path / 'y'}"), 2, "pairs:A,B")


def test_size_rules_and_split():
    skipped, notes = [], []
    assert too_small((10, 40), "p.png", skipped) and "40x10 px is smaller than 16" in skipped[0][1]
    assert not too_small((16, 16), "q.png", skipped) and len(skipped) == 1
    assert shrunk_size((100, 200), "r.png", notes) is None and not notes
    assert shrunk_size((MAX_SIDE, 2 * MAX_SIDE), "s.png", notes) == (MAX_SIDE, MAX_SIDE // 2) and len(notes) == 1
    train, test = held_out(list(range(10)), 0.2, 0)
    assert len(test) == 2 and sorted(train + test) == list(range(10))
    assert held_out([1, 2], 0.0, 0) == ([1, 2], None)
    assert few(["a", "b", "c", "d"]) == "a, b, c, ..." and few(["a"], 5) == "a"
