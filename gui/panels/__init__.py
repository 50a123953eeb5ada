"""Side panels: data (what goes in), model (what learns), training controls."""
