"""The built-in segmentation demo is made to be learnt live: large shapes, every class well represented."""
import numpy as np

from engine.data.shapes import CLASS_NAMES, DEFAULT_COUNT, DEFAULT_SIZE, generate


def test_default_demo_gives_every_shape_class_a_fair_share_of_pixels():
    images, masks = generate()
    assert images.shape == (DEFAULT_COUNT, DEFAULT_SIZE, DEFAULT_SIZE, 3) and masks.shape == images.shape[:3]
    share = np.bincount(masks.ravel(), minlength=len(CLASS_NAMES)) / masks.size
    assert 0.6 < share[0] < 0.9  # background still the majority, but not overwhelming
    assert (share[1:] > 0.04).all()  # each shape class several % of all pixels (the old demo: 3-5 %)
    test = masks[DEFAULT_COUNT - DEFAULT_COUNT // 4:]
    assert set(np.unique(test)) == set(range(len(CLASS_NAMES)))  # every class in the test split


def test_every_shape_is_large_and_the_seed_decides_the_images():
    _, masks = generate(40, seed=5)
    for mask in masks:
        present = [c for c in range(1, len(CLASS_NAMES)) if (mask == c).any()]
        assert present and max((mask == c).mean() for c in present) > 0.05
    images, again = generate(40, seed=5)[0], generate(40, seed=6)[0]
    assert np.array_equal(images, generate(40, seed=5)[0]) and not np.array_equal(images, again)


def test_shapes_are_vivid_on_a_muted_background():
    """What makes the foreground quick to learn: a shape pixel is saturated, a background pixel is not."""
    images, masks = generate(30, seed=2)
    for image, mask in zip(images.astype(np.float32), masks):
        spread = image.max(2) - image.min(2)  # 0 for grey, large for a vivid colour
        assert spread[mask > 0].mean() > spread[mask == 0].mean() + 80
