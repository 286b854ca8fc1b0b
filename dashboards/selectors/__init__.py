"""Dashboard reads: every figure is aggregated in the database, pandas reshapes the result.

One module per page; ``common`` holds the filters (``DashboardQuery``).
"""
