"""Boundary detection on BSDS500: reading the human ground truth (bsds), thinning soft edge maps (nms),
the boundary benchmark of Martin, Fowlkes & Malik 2004 / Arbelaez et al. 2011 (evaluate: ODS, OIS, AP and
the precision-recall curve), and classical baselines (classical: Canny, Sobel) used as targets and anchors."""
