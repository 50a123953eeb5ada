"""Tasks: what turns data + cell + sizes into a trained model and pictures. See registry.py."""
