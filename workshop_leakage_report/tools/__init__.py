"""Plain Python helpers of the leakage report (no models here)."""
