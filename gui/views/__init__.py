"""Views: widgets that take NumPy arrays and plain values, and know nothing of tasks."""
